import { SEVERITY_ORDER } from '../model/severity.js';
import { VERSION } from '../runtime/version.js';
import { usage } from './args.js';
import { EXIT, EXIT_MEANINGS } from './exit-codes.js';
import type { CliOutput } from './output.js';

// What `regwatch --help` and `regwatch help <command>` print. The commands are the keys of
// COMMAND_HELP: main.ts loads one module for each, and the type keeps the two lists the same.

export const COMMAND_HELP = {
  refresh: {
    synopsis: 'refresh',
    summary: 'check every watched source once, store what changed, publish the feeds',
    text: `regwatch refresh [--config f] [--data d] [--source id ...] [--wait-lock seconds] [--quiet]

Checks each source once: fetch, extract, validate, diff against the stored baseline, classify,
store (one transaction per source), then regenerates the feeds in <data>/public. Prints one line per
source: id, verdict (changed | unchanged | unreadable | extraction-failed | internal) and what changed.
A source that cannot be read is reported, never published as a change.
  --source id        check only this source (repeatable)
  --wait-lock s      wait this long for a running refresh to finish (default 10), then exit 4
  --quiet            no progress lines on stderr
After publishing, tells the WebSub hub (websubHub) and sends the notifications that are due, for at
most 5 s: a channel that is down never fails or slows a refresh (regwatch notify shows what waits).
Exit: 0 all sources checked; 3 at least one could not be; 2 bad config; 4 busy.`,
  },
  changes: {
    synopsis: 'changes',
    summary: 'print the recent changes (Date | Severity | What changed)',
    text: `regwatch changes [--source id] [--last N] [--min-severity s] [--format table|markdown|json|csv] [--data d]

Prints the recorded changes, newest first. --min-severity is one of ${SEVERITY_ORDER.join(', ')}
(in that order: "major" shows critical and major; "info" hides only first observations; "baseline"
shows everything). --format markdown prints the "Recent Changes" table a reference page pastes in;
csv is RFC 4180, one row per item.
  --last N           at most N items (default 20; 1 to 1000000)
  --source id        only the items this source reported (exit 2 if the database knows no such source)`,
  },
  sources: {
    synopsis: 'sources',
    summary: "print each source's state, last good check and last change",
    text: `regwatch sources [--format table|json] [--config f] [--data d]

Prints each source's state (ok, degraded, never-checked), last verdict, last good check and last change;
names the sources the database holds that this config does not watch (a demo folder, a source since
removed); then, when the config has a notify list, each channel's pending, dead and sent deliveries.`,
  },
  inspect: {
    synopsis: 'inspect <url|file>',
    summary: 'print what a watcher extracts from a page, as JSON; stores nothing',
    text: `regwatch inspect <url-or-file> [--watcher kind] [--url u] [--config f]

Runs a kind of source on one page or download (fetched politely, or read from a file) and prints the
extracted record(s) as JSON. Stores nothing and publishes nothing: use it to check what regwatch
sees on a page.
  --watcher kind     a kind of source, as a config's "watcher" names it (default: the first kind;
                     the kinds are listed in the README, "Sources and licences")
  --url u            for a saved file: the URL it came from (some pages name their document only there)
A catalogue's settings (committees, documents) come from the config's first source of that kind,
else from the shipped watch list.`,
  },
  serve: {
    synopsis: 'serve',
    summary: 'serve the feeds over HTTP and refresh on a schedule',
    text: `regwatch serve [--port 8080] [--host 127.0.0.1] [--schedule "0 6 * * *"] [--timezone UTC] [--config f] [--data d]

Serves the published feeds and refreshes on a cron schedule; sends due notifications every minute.
Warns when --host or --port is not where publicUrl points (the feeds' links would lead elsewhere).`,
  },
  notify: {
    synopsis: 'notify',
    summary: 'show the notification outbox per channel; requeue or send',
    text: `regwatch notify [--channel id] [--state pending|sent|dead] [--last N] [--retry-dead] [--send] [--format table|json] [--config f] [--data d]

Shows each channel of the config's notify list: deliveries pending, dead (given up after
notifyMaxAttempts failed attempts, or refused for good) and sent, the next attempt and the last
error; then the dead and pending deliveries (or those of --state), newest first.
  --retry-dead       queue the dead deliveries again (of --channel, or all), attempts counted afresh
  --send             send what is due now (one pass of at most 60 s)
  --last N           deliveries listed per state (default 20)
Exit: 0 no delivery is dead; 7 some delivery is dead; 2 bad usage, config or database.`,
  },
  page: {
    synopsis: 'page <file.md>',
    summary: "rewrite a reference page's regwatch blocks (Recent Changes, Provenance & licence)",
    text: `regwatch page <file.md> --source id [--last 5] [--vocabulary regwatch|reference] [--min-severity s] [--config f] [--data d]

Rewrites the blocks between <!-- regwatch:changes --> and <!-- /regwatch:changes --> (the
"Recent Changes" table: Date | Severity | What changed) and between <!-- regwatch:provenance -->
and <!-- /regwatch:provenance --> (the source's "Provenance & licence"), from the database, and
nothing else: every other byte stays. The file is replaced atomically, and only when a block changed.
  --source id        the source the page is about (a configured source)
  --last N           rows in the table (default 5)
  --vocabulary v     regwatch: critical, major, …; reference: version_bump, substantive, editorial
Exit: 0 the page was already up to date (left byte for byte); 6 it was rewritten; 2 bad usage, a
missing or unbalanced marker, no database (nothing is written).`,
  },
  demo: {
    synopsis: 'demo',
    summary: 'replay a slice of real SC 42 history offline and show what regwatch publishes',
    text: `regwatch demo [--serve] [--port 8080] [--data d]

Replays a small facts-only slice of real ISO/IEC JTC 1/SC 42 catalogue history (stage codes,
dates, references; ISO Open Data, ODC-By 1.0) from a server on 127.0.0.1 into a temporary data
folder (or --data), one refresh per day at that day's date, then prints the changes and where the
feeds are. Needs no network. --serve then serves them (regwatch serve on that folder) until Ctrl-C.`,
  },
} as const;

export type CommandName = keyof typeof COMMAND_HELP;

export const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}

export const GENERAL_HELP = `regwatch ${VERSION}: watches standards' catalogue metadata (the ISO/IEC 42001 family and the
documents AI governance follows) and publishes a "recent changes" feed (RSS, Atom, JSON Feed,
changes.json) with provenance and licence.

Usage: regwatch [--config f] [--data d] <command> [options]

Commands:
${COMMAND_NAMES.map((name) => `  ${COMMAND_HELP[name].synopsis.padEnd(19)}${COMMAND_HELP[name].summary}`).join('\n')}
  help [command]     this help, or one command's

Common options (before or after the command):
  --config <file>    config file (default ./regwatch.config.json when present, else the shipped watch
                     list, watchlists/default.json; a config adds to it with "extends": "default")
  --data <dir>       database and published feeds (default ./data; feeds go to <dir>/public)
  -h, --help         help;  -v, --version  the version

Exit codes:
${EXIT_MEANINGS.map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n')}

Examples:
  regwatch demo
  regwatch refresh
  regwatch changes --min-severity major --format markdown
  regwatch page docs/iso-42001.md --source iso_42001
  regwatch inspect https://www.iso.org/standard/81230.html
`;

/** `regwatch help [command]`, and every command's --help. */
export function showHelp(output: CliOutput, command?: string): number {
  if (command === undefined || command === 'help') {
    output.out(GENERAL_HELP);
    return EXIT.ok;
  }
  if (!isCommandName(command)) throw usage(`help: unknown command "${command}" (commands: ${COMMAND_NAMES.join(', ')})`);
  output.out(`${COMMAND_HELP[command].text}\n`);
  return EXIT.ok;
}
