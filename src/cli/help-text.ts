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
  --source id        check only this source (repeatable; a source the config does not have exits 2)
  --wait-lock s      wait this long for a running refresh to finish (default 10), then exit 4
  --quiet            no progress lines on stderr
  --config f         the sources to check (default: see regwatch --help)
  --data d           the database and the published feeds, <d>/public (default ./data)
After publishing, tells the WebSub hub (websubHub) and sends the notifications that are due, for at
most 5 s: a channel that is down never fails or slows a refresh (regwatch notify shows what waits).
Exit: 0 all sources checked; 3 at least one could not be; 2 bad command line, config, data folder
or database (nothing fetched); 4 another refresh is running; 1 internal error.`,
  },
  changes: {
    synopsis: 'changes',
    summary: 'print the recent changes (Date | Severity | What changed)',
    text: `regwatch changes [--source id] [--last N] [--min-severity s] [--format table|markdown|json|csv] [--data d]

Prints the recorded changes, newest first, from the database alone (no config, no network).
  --source id        only the items this source reported (exit 2 if the database knows no such source)
  --last N           at most N items (default 20; 1 to 1000000)
  --min-severity s   only items at least this severe, of ${SEVERITY_ORDER.join(', ')}
                     (strongest first: "major" shows critical and major; "info" hides only first
                     observations; "baseline", the default, shows everything)
  --format f         table (default); markdown: the "Recent Changes" table a reference page pastes
                     in; json; csv: RFC 4180, one row per item
  --data d           the folder whose database is read (default ./data)
  --config f         not read: changes needs no config; a file it names must exist (else exit 2)`,
  },
  sources: {
    synopsis: 'sources',
    summary: "print each source's state, last good check and last change",
    text: `regwatch sources [--format table|json] [--config f] [--data d]

Prints each source's state (ok; never-read: checked, no check has read it yet; degraded: failed
degradedAfter checks in a row; never-checked), last verdict, last good check and last change;
names the sources the database holds that this config does not watch (a demo folder, a source since
removed); then, when the config has a notify list, each channel's pending, dead and sent deliveries.
  --format f         table (default), or json: the same reports as the published sources.json
  --config f         the sources and channels listed (default: see regwatch --help)
  --data d           the folder whose database is read (default ./data; without a database every
                     source shows never-checked)`,
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
  --config f         a catalogue's settings (committees, documents) come from the config's first
                     source of that kind, else from the shipped watch list; and how pages are
                     fetched (a private address only with "allowPrivateNetwork": true)
  --data d           accepted, not used: inspect opens no database
Exit: 0 a record was extracted (or the catalogue had none in scope); 3 the page could not be read
(unreadable: 403, 5xx, a timeout, an error page) or had no record (extraction-failed), printed as
{verdict, detail}; 2 bad usage, a file that cannot be read, or a refused address (nothing fetched).`,
  },
  serve: {
    synopsis: 'serve',
    summary: 'serve the feeds over HTTP and refresh on a schedule',
    text: `regwatch serve [--port 8080] [--host 127.0.0.1] [--schedule "0 6 * * *"] [--timezone UTC] [--config f] [--data d]

Serves the published feeds and refreshes on a cron schedule; sends due notifications every minute.
  --port n           the port to listen on (default 8080; 0: any free port)
  --host h           the address to listen on: an IP address or localhost (default 127.0.0.1; any
                     other than loopback serves other machines too, and is warned about)
  --schedule cron    when to refresh: a cron expression of 5 or 6 fields (default "0 6 * * *",
                     06:00 every day); a refresh never overlaps another, here or in a terminal
  --timezone tz      the schedule's IANA time zone (default UTC; e.g. Europe/Berlin)
  --config f         the sources, publicUrl and notify list (default: see regwatch --help)
  --data d           the database and the published feeds it serves, <d>/public (default ./data)
Warns when --host or --port is not where publicUrl points (the feeds' links would lead elsewhere).
SIGTERM or SIGINT stops it (exit 0). Exit 2 for a bad option, config or data folder, or an address
it cannot listen on (nothing is served).`,
  },
  notify: {
    synopsis: 'notify',
    summary: 'show the notification outbox per channel; requeue or send',
    text: `regwatch notify [--channel id] [--state pending|sent|dead] [--last N] [--retry-dead] [--send] [--format table|json] [--config f] [--data d]

Shows each channel of the config's notify list: deliveries pending, dead (given up after
notifyMaxAttempts failed attempts, or refused for good) and sent, the next attempt and the last
error; then the dead and pending deliveries (or those of --state), newest first.
  --channel id       only this channel (exit 2 if the config's notify list has no such channel)
  --state s          list the deliveries in this state only: pending, sent or dead
  --last N           deliveries listed per state (default 20)
  --retry-dead       queue the dead deliveries again (of --channel, or all), attempts counted afresh
  --send             send what is due now (one pass of at most 60 s)
  --format f         table (default), or json: {channels, deliveries}
  --config f         the notify list (default: see regwatch --help)
  --data d           the folder whose database holds the outbox (default ./data)
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
  --last N           rows in the table (default 5; 1 to 1000)
  --vocabulary v     regwatch: critical, major, …; reference: version_bump, substantive, editorial
  --min-severity s   only rows at least this severe, of ${SEVERITY_ORDER.join(', ')}
                     (strongest first; default: every row; the table says so when none is that
                     severe)
  --config f         where --source is configured (default: see regwatch --help)
  --data d           the folder whose database is read (default ./data)
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
feeds are. Needs no network.
  --serve            then serve them (regwatch serve on that folder) until Ctrl-C
  --port n           the port --serve listens on (default 8080)
  --data d           replay into this folder, which must hold no database (default: a new
                     temporary folder)
  --config f         refused (exit 2): the demo writes its own, demo.config.json in its data folder`,
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
  -h, --help         this help; after a command, that command's (as regwatch help <command>)
  -v, --version      the version, and nothing else
Given before and after the command, the one after wins; given twice on one side, it is refused.

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
