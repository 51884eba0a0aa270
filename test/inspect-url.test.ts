import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { VIOLATION } from './helpers/loopback-only.js';
import { LOOPBACK_ONLY, runCli, type CliRun } from './helpers/run-cli.js';
import { startReceiver } from './notify-receiver.js';

// `regwatch inspect <url>` through the real CLI against a loopback stand-in for iso.org: what it
// fetches and reads, and what it refuses before fetching anything. The CLI runs under the
// loopback-only guard: a refusal that broke would be reported, never sent to the address.

async function inspect(args: string[], cwd: string): Promise<CliRun> {
  const out = await runCli(['inspect', ...args], cwd, { nodeOptions: LOOPBACK_ONLY });
  expect(out.stderr).not.toContain(VIOLATION);
  return out;
}

describeWithFixtures('regwatch inspect <url>', () => {
  let dir: string;
  let server: FixtureServer;
  const PAGE = '/standard/74197.html';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regwatch-inspect-url-'));
    server = await startFixtureServer();
    server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-74197-2021-07-28.html') });
    writeFileSync(
      join(dir, 'loopback.json'),
      JSON.stringify({
        allowPrivateNetwork: true,
        hostIntervalSeconds: 0,
        sources: [{ id: 'iso_22934', watcher: 'iso-page', url: 'https://www.iso.org/standard/74197.html' }],
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the page (robots.txt first) and prints its record', async () => {
    const out = await inspect([`${server.origin}${PAGE}`, '--config', 'loopback.json'], dir);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ key: 'iso:74197', reference: 'ISO 22934:2021', stage: '60.60' });
    expect(server.requests.map((r) => r.path)).toEqual(['/robots.txt', PAGE]);
  });

  it('refuses a private address without allowPrivateNetwork, saying how to allow it, before any request', async () => {
    const before = server.requests.length;
    const out = await inspect([`${server.origin}${PAGE}`], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `inspect: ${new URL(server.origin).host} is a private address: regwatch reaches only public addresses unless the config sets "allowPrivateNetwork": true`,
    );
    expect(server.requests.length).toBe(before);
  });

  it('refuses a link-local or metadata address whatever the config, saying it is never contacted', async () => {
    const out = await inspect(['http://169.254.169.254/latest/meta-data/', '--config', 'loopback.json'], dir);
    expect([out.code, out.stderr]).toEqual([
      2,
      expect.stringContaining('169.254.169.254 is a link-local, metadata or special-purpose address: regwatch never contacts it'),
    ]);
  });

  it('takes what follows -- as written: positionals, never an option and its value', async () => {
    const out = await inspect(['--', '--watcher', '-1'], dir);
    expect([out.code, out.stderr]).toEqual([2, 'regwatch: inspect: unexpected argument "-1" (inspect takes one argument; see regwatch help inspect)\n']);
  });

  it('refuses a user name or password in the URL or in --url, and never prints them', async () => {
    const withCredentials = `${server.origin.replace('http://', 'http://reader:s3cret-pw@')}${PAGE}`;
    for (const args of [[withCredentials], [fixturePath('iso-pages', 'iso-74197-2021-07-28.html'), '--url', withCredentials]]) {
      const out = await inspect([...args, '--config', 'loopback.json'], dir);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('a URL must not contain a user name or password');
      expect(`${out.stdout}${out.stderr}`).not.toMatch(/s3cret-pw|reader/);
    }
  });

  it('a fetch that fails is the verdict alone: no advice about the kind of page', async () => {
    const closed = await startReceiver();
    const refused = closed.url('/standard/1.html');
    await closed.close();
    const out = await inspect([refused, '--config', 'loopback.json'], dir);
    expect(out.code).toBe(3);
    expect(JSON.parse(out.stdout)).toMatchObject({ verdict: 'unreadable', detail: expect.stringMatching(/^fetch: /) });
    expect(out.stderr).not.toContain('--watcher');
  });
});
