import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { changesFileSchema } from '../src/model/item.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { runCli } from './helpers/run-cli.js';
import { startReceiver, type Receiver } from './notify-receiver.js';

// Notifications as a user meets them on the command line: a refresh whose channel is down still
// exits 0 and publishes; `regwatch notify` shows what was given up and exits 7; `regwatch sources`
// counts it; --retry-dead queues it again. No secret value is ever printed.

const SECRET = 'cli-hook-secret-0b7e';
const PAGE = '/standard/74197.html';

describeWithFixtures('regwatch notify and notifications through the CLI', () => {
  let dir: string;
  let server: FixtureServer;
  let hook: Receiver;
  const env = { HOOK_SECRET: SECRET };
  const run = (args: string[], withEnv: Record<string, string> = env) => runCli([...args, '--config', 'config.json', '--data', 'data'], dir, { env: withEnv });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regwatch-notify-cli-'));
    server = await startFixtureServer();
    hook = await startReceiver();
    const closed = await startReceiver();
    const refused = closed.url('/hook');
    await closed.close();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        allowPrivateNetwork: true,
        hostIntervalSeconds: 0,
        notifyMaxAttempts: 1,
        sources: [{ id: 'iso_22934', watcher: 'iso-page', url: `${server.origin}${PAGE}` }],
        notify: [
          { id: 'hook', type: 'webhook', url: hook.url('/hook'), secretEnv: 'HOOK_SECRET' },
          { id: 'down', type: 'webhook', url: refused, secretEnv: 'HOOK_SECRET' },
        ],
      }),
    );
  });

  afterAll(async () => {
    await server?.close();
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a refresh whose channel is down exits 0, publishes, and delivers to the channel that is up', async () => {
    server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-74197-2020-11-02.html') });
    expect((await run(['refresh', '--quiet'])).code).toBe(0);
    server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-74197-2021-02-11.html') });
    const refresh = await run(['refresh']);
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toMatch(/^iso_22934\s+changed/);
    expect(refresh.stderr).toContain('notify: 1 sent, 1 given up (see regwatch notify)');
    const published = changesFileSchema.parse(JSON.parse(readFileSync(join(dir, 'data', 'public', 'changes.json'), 'utf8')));
    expect(published.items.map((i) => i.event)).toEqual(['fdis', 'baseline']);
    expect(hook.received.map((r) => r.headers['x-regwatch-delivery'])).toEqual([`hook:${published.items[0]!.id}`]);
    expect(`${refresh.stdout}${refresh.stderr}`).not.toContain(SECRET);
  });

  it('regwatch notify lists the dead delivery with its reason and exits 7; sources counts it', async () => {
    const notify = await run(['notify']);
    expect(notify.code).toBe(7);
    expect(notify.stdout).toMatch(/^hook\s+webhook\s+0\s+0\s+1\s/m);
    expect(notify.stdout).toMatch(/^down\s+webhook\s+0\s+1\s+0\s/m);
    expect(notify.stdout).toMatch(
      /Dead deliveries[^\n]*\n.*\ndown\s+down:tag:regwatch,2026:iso_22934\/iso:74197\/2\s+1\s+1\s+\S+\s+notify: POST http:\/\/127\.0\.0\.1:\d+\/… failed: .*ECONNREFUSED/,
    );
    const json = JSON.parse((await run(['notify', '--format', 'json', '--state', 'dead'])).stdout);
    expect(json.channels.map((c: { id: string; dead: number }) => [c.id, c.dead])).toEqual([
      ['hook', 0],
      ['down', 1],
    ]);
    expect(json.deliveries).toEqual([expect.objectContaining({ channelId: 'down', state: 'dead', attempts: 1, lastCode: 'NOTIFY_NETWORK' })]);

    const sources = await run(['sources']);
    expect(sources.code).toBe(0);
    expect(sources.stdout).toMatch(/Notifications[^\n]*\nChannel\s+Type\s+Pending\s+Dead[^\n]*\nhook\s+webhook\s+0\s+0\s+1[^\n]*\ndown\s+webhook\s+0\s+1\s+0/);
    for (const output of [notify, sources]) expect(`${output.stdout}${output.stderr}`).not.toContain(SECRET);
  });

  it('names a missing secret by its variable, never a value', async () => {
    const notify = await run(['notify'], {});
    expect(notify.stderr).toContain('config: notify[0].secretEnv: environment variable HOOK_SECRET is not set: its deliveries wait, unsent, until it is set');
    expect(notify.stderr).toContain('config: notify[1].secretEnv:');
  });

  it('--retry-dead queues the dead delivery again (exit 0: none dead), --send tries it now', async () => {
    const retry = await run(['notify', '--retry-dead', '--channel', 'down']);
    expect([retry.code, retry.stderr]).toEqual([0, expect.stringContaining('notify: 1 dead delivery queued again')]);
    expect(retry.stdout).toMatch(/^down\s+webhook\s+1\s+0\s+0\s/m);
    // Queued again at 0 attempts: its error is said to be from before, and a sent one's from an earlier attempt.
    expect((await run(['notify', '--state', 'pending'])).stdout).toMatch(/^down\s+down:tag:\S+\s+1\s+0\s+\S+\s+before it was queued again: notify: POST /m);
    expect((await run(['notify', '--state', 'sent'])).stdout).toMatch(/^Channel\s+Delivery\s+Items\s+Attempts\s+Last attempt\s+Earlier error$/m);
    const send = await run(['notify', '--send']);
    expect(send.code).toBe(7);
    expect(send.stderr).toContain('notify: 0 sent, 1 given up');
    const unknown = await run(['notify', '--channel', 'nope']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringContaining('notify: --channel nope: no such channel in the config (channels: hook, down)'),
    ]);
  });
});
