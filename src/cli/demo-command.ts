import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../config/index.js';
import { demoSlice } from '../demo/slice.js';
import { demoConfigInput, replaySlice, startDemoServer } from '../demo/replay.js';
import { PUBLISHED_FILES } from '../publish/published-files.js';
import { dataDirHasDatabase, prepareDataDirForWriting } from '../runtime/data-dir.js';
import { parseCommand, usage, wholeNumber } from './args.js';
import { EXIT } from './exit-codes.js';
import { formatChanges } from './format-changes.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';
import { listenProblem, serveCommand } from './serve-command.js';

// `regwatch demo`: what regwatch does, on a machine that cannot reach iso.org. A small facts-only
// slice of real SC 42 history is replayed from 127.0.0.1 into a new data folder, one refresh per
// day; the changes are printed with where the feeds are, or served with --serve.

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('demo', args, { serve: { type: 'boolean' }, port: { type: 'string' } });
  if (values.help) return showHelp(output, 'demo');
  const port = wholeNumber('port', values.port, 8080, 0, 65_535);
  if (values.config !== undefined) {
    throw usage('demo: --config is not used: the demo replays with its own config (written to demo.config.json in its data folder)');
  }
  if (values.serve) await refuseBusyPort(port);
  const dataDir = values.data === undefined ? mkdtempSync(join(tmpdir(), 'regwatch-demo-')) : resolve(values.data);
  if (values.data !== undefined && dataDirHasDatabase(dataDir)) {
    throw usage(`demo: --data ${dataDir} already holds a database: the demo replays into a new folder (leave --data out for a temporary one)`);
  }
  prepareDataDirForWriting(dataDir);

  const slice = demoSlice();
  const server = await startDemoServer(slice);
  try {
    const configInput = demoConfigInput(slice, server.origin, `http://127.0.0.1:${port === 0 ? 8080 : port}/`);
    const configFile = join(dataDir, 'demo.config.json');
    writeFileSync(configFile, `${JSON.stringify(configInput, null, 2)}\n`);
    const [first, last] = [slice.days[0], slice.days.at(-1)];
    output.err(
      `regwatch demo: ${slice.days.length} days of ISO/IEC JTC 1/SC 42 catalogue history (${first} to ${last}), replayed from ${server.origin} into ${dataDir}\n`,
    );
    const items = await replaySlice({
      slice,
      server,
      config: parseConfig(configInput),
      dataDir,
      onDay: (day, added) => output.err(`  ${day}: ${added} new item(s)\n`),
    });

    output.out(formatChanges(items, 'table'));
    const publicDir = join(dataDir, 'public');
    output.out(`\nPublished in ${publicDir}:\n${PUBLISHED_FILES.map((file) => `  ${join(publicDir, file)}`).join('\n')}\n`);
    output.out(`\n${slice.attribution}. Facts only: stage codes, dates and references; no abstract.\n`);
    if (!values.serve) {
      output.out(
        `\nNext: regwatch changes --data ${dataDir} --min-severity major\n      regwatch serve --config ${configFile} --data ${dataDir}   (this replay, served at http://127.0.0.1:${port}/)\n`,
      );
      return EXIT.ok;
    }
    // The demo server stays up, so a refresh while serving reads the slice's last day: unchanged.
    return await serveCommand(
      { configFile, dataDir, port, host: '127.0.0.1', schedule: '0 6 * * *', timezone: 'UTC' },
      { stdout: (line) => output.out(`${line}\n`), stderr: (line) => output.err(`${line}\n`) },
    );
  } finally {
    await server.close();
  }
}

/** Before 19 days are replayed into a new folder: a busy port is known at once. */
async function refuseBusyPort(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  const problem = await new Promise<NodeJS.ErrnoException | null>((done) => {
    probe.once('error', (error: NodeJS.ErrnoException) => done(error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(null)));
  });
  if (problem !== null) throw usage(`demo: ${listenProblem('127.0.0.1', port, problem)}`);
}
