import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/store.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import { acquireRunLock } from '../src/store/run-lock.js';
import { insertItems, recordHealth, REALISTIC_OLDEST_FIRST } from './serve-seed.js';
import { runCli, type CliRun } from './helpers/run-cli.js';

// An operator's mistake (a wrong --data, a damaged or newer database, a bad option or config) gets
// one clear line naming the bad input and exit 2, never "internal error" and a stack trace, and
// nothing of what is there is changed.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regwatch-operator-'));
  chmodSync(dir, 0o755); // the unprivileged runs must reach it
  // Sources on a closed loopback port: a run that got as far as fetching would say so.
  writeFileSync(
    join(dir, 'regwatch.config.json'),
    JSON.stringify({
      allowPrivateNetwork: true,
      sources: [{ id: 'a', watcher: 'iso-page', url: 'http://127.0.0.1:9/standard/1.html' }],
    }),
  );
});
afterAll(() => {
  chmodTree(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function chmodTree(path: string, mode: number): void {
  chmodSync(path, mode);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chmodTree(join(path, entry), mode);
}

function expectOperatorError(run: CliRun, message: string): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `regwatch: ${message}\n` });
}

/** A database with three items of three sources and one source's health, cleanly closed (no -wal). */
function seededDatabase(name: string): string {
  const store = openStore(databasePath(join(dir, name)));
  insertItems(store, REALISTIC_OLDEST_FIRST);
  recordHealth(store, 'iso_42005', 'https://www.iso.org/standard/44545.html', { verdict: 'changed', at: '2025-03-10T06:00:12.000Z' });
  store.close();
  return join(dir, name);
}

describe('--data that cannot be a data folder', () => {
  it('is a file', async () => {
    writeFileSync(join(dir, 'a-file'), 'keep me');
    for (const command of ['refresh', 'changes', 'sources']) {
      expectOperatorError(await runCli([command, '--data', 'a-file'], dir), `--data ${join(dir, 'a-file')}: is a file, not a folder`);
    }
    expect(readFileSync(join(dir, 'a-file'), 'utf8')).toBe('keep me');
  });

  it('lies under a file', async () => {
    writeFileSync(join(dir, 'b-file'), 'keep me');
    for (const command of ['refresh', 'changes']) {
      expectOperatorError(
        await runCli([command, '--data', 'b-file/data'], dir),
        `--data ${join(dir, 'b-file', 'data')}: ${join(dir, 'b-file')} is a file, not a folder`,
      );
    }
    expect(readFileSync(join(dir, 'b-file'), 'utf8')).toBe('keep me');
  });

  it('cannot be written by the user running refresh', async () => {
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);
    expectOperatorError(
      await runCli(['refresh', '--data', 'locked'], dir, { unprivileged: true }),
      `--data ${join(dir, 'locked')}: cannot be written (EACCES): regwatch keeps its database and the feeds there`,
    );
    expect(readdirSync(join(dir, 'locked'))).toEqual([]);
  });
});

describe('a regwatch.sqlite that is not a usable database', () => {
  it('is a folder', async () => {
    mkdirSync(join(dir, 'db-folder', 'regwatch.sqlite'), { recursive: true });
    for (const command of ['refresh', 'changes', 'sources']) {
      expectOperatorError(
        await runCli([command, '--data', 'db-folder'], dir),
        `${join(dir, 'db-folder', 'regwatch.sqlite')}: is a folder, not a database file`,
      );
    }
  });

  it('is not a database', async () => {
    mkdirSync(join(dir, 'not-db'));
    const path = join(dir, 'not-db', 'regwatch.sqlite');
    const text = 'This is my shopping list, not a database.\n'.repeat(20);
    writeFileSync(path, text);
    for (const command of ['refresh', 'changes', 'sources']) {
      expectOperatorError(
        await runCli([command, '--data', 'not-db'], dir),
        `${path}: is not a regwatch database (file is not a database); move it away or give another --data`,
      );
    }
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(join(dir, 'not-db'))).toEqual(['regwatch.sqlite']);
  });

  it("is another program's SQLite database: never taken over", async () => {
    mkdirSync(join(dir, 'foreign'));
    const path = join(dir, 'foreign', 'regwatch.sqlite');
    const foreign = new Database(path);
    foreign.exec("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread')");
    foreign.close();
    const bytes = readFileSync(path);
    for (const command of ['refresh', 'changes', 'sources']) {
      expectOperatorError(
        await runCli([command, '--data', 'foreign'], dir),
        `${path}: is not a regwatch database (it holds other tables: recipes); move it away or give another --data`,
      );
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('is truncated', async () => {
    const data = seededDatabase('truncated');
    const path = databasePath(data);
    const raw = new Database(path);
    const insert = raw.prepare("INSERT INTO checks (run_id, source_id, checked_at, verdict, url) VALUES (1, 's', 'x', 'unchanged', ?)");
    raw.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('u'.repeat(300));
    })();
    raw.close();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const bytes = readFileSync(path);
    for (const command of ['refresh', 'changes', 'sources']) {
      expectOperatorError(
        await runCli([command, '--data', 'truncated'], dir),
        `${path}: the database is damaged (database disk image is malformed); restore it from a backup, or move it away to start afresh`,
      );
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('is overwritten inside its pages: every command that opens it says so, none with a stack', async () => {
    const data = seededDatabase('overwritten');
    const path = databasePath(data);
    const bytes = readFileSync(path);
    for (let page = 4096; page < bytes.length; page += 4096) bytes.fill(0xde, page + 100, Math.min(page + 900, bytes.length));
    writeFileSync(path, bytes);
    writeFileSync(join(dir, 'page.md'), '<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n<!-- regwatch:provenance -->\n<!-- /regwatch:provenance -->\n');
    const damaged = `${path}: the database is damaged (database disk image is malformed); restore it from a backup, or move it away to start afresh`;
    for (const args of [['refresh'], ['changes'], ['sources'], ['notify'], ['notify', '--send'], ['page', 'page.md', '--source', 'a']]) {
      expectOperatorError(await runCli([...args, '--data', 'overwritten'], dir), damaged);
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('was written by a newer regwatch', async () => {
    const data = seededDatabase('newer');
    const raw = new Database(databasePath(data));
    raw.pragma('user_version = 99');
    raw.close();
    for (const command of ['refresh', 'changes', 'sources']) {
      expectOperatorError(
        await runCli([command, '--data', 'newer'], dir),
        `store: ${databasePath(data)}: database schema version 99 is newer than this regwatch (${MIGRATIONS.length}); upgrade regwatch`,
      );
    }
  });
});

describe('reading commands open the database read-only', () => {
  it('read a read-only database in a read-only folder (WAL mode, no -shm to create)', async () => {
    const data = seededDatabase('read-only');
    chmodSync(databasePath(data), 0o444);
    chmodSync(data, 0o555);
    const changes = await runCli(['changes', '--data', 'read-only', '--format', 'json'], dir, { unprivileged: true });
    expect([changes.code, changes.stderr]).toEqual([0, '']);
    expect((JSON.parse(changes.stdout) as Array<{ id: string }>).map((i) => i.id)).toEqual(REALISTIC_OLDEST_FIRST.map((i) => i.id).reverse());
    const sources = await runCli(['sources', '--data', 'read-only', '--format', 'json'], dir, { unprivileged: true });
    expect([sources.code, sources.stderr]).toEqual([0, '']);
    expectOperatorError(
      await runCli(['changes', '--data', 'read-only', '--source', 'nope'], dir, { unprivileged: true }),
      `changes: --source nope: no such source in ${databasePath(data)} (sources: iso_42001, iso_42005, iso_42006, iso_opendata)`,
    );
    expect(readdirSync(data)).toEqual(['regwatch.sqlite']);
  });

  it('while a refresh holds the lock and its write-ahead log is in use', async () => {
    const data = seededDatabase('busy');
    const store = openStore(databasePath(data));
    const lock = await acquireRunLock(store.runLock, 0);
    try {
      store.beginRun('test', '2026-03-01T06:00:00.000Z');
      const changes = await runCli(['changes', '--data', 'busy', '--format', 'json'], dir);
      expect([changes.code, (JSON.parse(changes.stdout) as unknown[]).length]).toEqual([0, 3]);
    } finally {
      lock.release();
      store.close();
    }
  });
});

describe('changes options', () => {
  it('refuses a --last that is not a whole number from 1 up, naming it', async () => {
    seededDatabase('options');
    for (const last of ['1e300', '0', '2.5']) {
      expectOperatorError(await runCli(['changes', '--data', 'options', `--last=${last}`], dir), `--last: "${last}" is not a whole number from 1 to 1000000`);
    }
    expect((await runCli(['changes', '--data', 'options', '--last', '1000000'], dir)).code).toBe(0);
  });

  it('refuses a --config that names no file, though changes reads only the database', async () => {
    seededDatabase('no-config');
    expectOperatorError(await runCli(['changes', '--data', 'no-config', '--config', 'nope.json'], dir), 'changes: --config nope.json: no such file');
  });

  it('checks a negative value as a value, and refuses an option given twice', async () => {
    seededDatabase('twice');
    expectOperatorError(await runCli(['changes', '--data', 'twice', '--last', '-1'], dir), '--last: "-1" is not a whole number from 1 to 1000000');
    expectOperatorError(await runCli(['changes', '--data', 'twice', '--last', '2', '--last', '3'], dir), 'changes: --last is given more than once');
    expectOperatorError(await runCli(['refresh', '--data', 'twice', '--wait-lock', '-5'], dir), '--wait-lock: "-5" is not a whole number from 0 to 86400');
  });

  it('refuses a --source the database has never heard of, naming it and the sources it knows', async () => {
    const data = seededDatabase('sources');
    expectOperatorError(
      await runCli(['changes', '--data', 'sources', '--source', 'iso_9999'], dir),
      `changes: --source iso_9999: no such source in ${databasePath(data)} (sources: iso_42001, iso_42005, iso_42006, iso_opendata)`,
    );
    const known = await runCli(['changes', '--data', 'sources', '--source', 'iso_42005', '--format', 'json'], dir);
    expect([known.code, (JSON.parse(known.stdout) as unknown[]).length]).toEqual([0, 1]);
  });
});

describe('a config file', () => {
  const source = { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' };

  it('with a user name or password in a source URL is refused (it would be published in every feed)', async () => {
    writeFileSync(join(dir, 'userinfo.json'), JSON.stringify({ sources: [{ ...source, url: 'https://user:secret@www.iso.org/standard/81230.html' }] }));
    const run = await runCli(['sources', '--config', 'userinfo.json', '--data', 'empty'], dir);
    expect([run.code, run.stderr]).toEqual([
      2,
      'config: userinfo.json: sources[0].url: must not contain a user name or password (it would be published in every feed)\n',
    ]);
    expect(run.stdout).not.toContain('secret');
  });

  it('larger than 1 MiB is refused without reading it all', async () => {
    writeFileSync(join(dir, 'huge.json'), JSON.stringify({ sources: [source] }) + ' '.repeat(2 * 1024 * 1024));
    for (const file of [join(dir, 'huge.json'), '/dev/zero']) {
      const run = await runCli(['sources', '--config', file, '--data', 'empty'], dir);
      expect([run.code, run.stderr]).toEqual([2, `config: ${file}: is larger than 1 MiB; a regwatch config is a few kilobytes\n`]);
    }
  });

  it('may start with a UTF-8 byte order mark', async () => {
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${JSON.stringify({ sources: [source] })}`);
    const run = await runCli(['sources', '--config', 'bom.json', '--data', 'empty'], dir);
    expect([run.code, run.stderr]).toEqual([
      0,
      `sources: no database in ${join(dir, 'empty')} yet: every source shows never-checked until \`regwatch refresh\` runs\n`,
    ]);
    expect(run.stdout).toMatch(/^a\s+never-checked/m);
  });

  it('with a request timeout under a second is refused', async () => {
    writeFileSync(join(dir, 'timeout.json'), JSON.stringify({ sources: [source], requestTimeoutSeconds: 0.001 }));
    const run = await runCli(['sources', '--config', 'timeout.json', '--data', 'empty'], dir);
    expect([run.code, run.stderr]).toEqual([2, 'config: timeout.json: requestTimeoutSeconds: must be at least 1 (seconds)\n']);
  });

  describe('names each bad field in plain words, after the file it is in', () => {
    const refused = async (name: string, config: unknown) => {
      writeFileSync(join(dir, name), JSON.stringify(config));
      const run = await runCli(['sources', '--config', name, '--data', 'empty'], dir);
      return [run.code, run.stderr];
    };
    const hook = { id: 'hook', type: 'webhook', url: 'https://hooks.example.org/', secretEnv: 'HOOK_KEY' };

    it('lists the accepted values of an unknown licence, notify type or severity', async () => {
      expect(await refused('licence.json', { sources: [{ ...source, licence: 'cc0' }] })).toEqual([
        2,
        'config: licence.json: sources[0].licence: must be one of proprietary-metadata-only, public-domain, open-attribution, share-alike-noncommercial, facts-and-quotation\n',
      ]);
      expect(await refused('type.json', { sources: [source], notify: [{ ...hook, type: 'sms' }] })).toEqual([
        2,
        'config: type.json: notify[0].type: must be one of webhook, slack, teams, email\n',
      ]);
      expect(await refused('severity.json', { sources: [source], notify: [{ ...hook, minSeverity: 'high' }] })).toEqual([
        2,
        'config: severity.json: notify[0].minSeverity: must be one of baseline, critical, major, minor, info\n',
      ]);
    });

    it('says a missing key is required, and a wrong type what it must be', async () => {
      const { secretEnv: _, ...withoutSecret } = hook;
      expect(await refused('secret.json', { sources: [source], notify: [withoutSecret] })).toEqual([
        2,
        'config: secret.json: notify[0].secretEnv: is required\n',
      ]);
      expect(await refused('type-of.json', { sources: [source], requestTimeoutSeconds: '30', allowPrivateNetwork: 'yes' })).toEqual([
        2,
        'config: type-of.json: allowPrivateNetwork: must be true or false (got a string)\nconfig: type-of.json: requestTimeoutSeconds: must be a number (got a string)\n',
      ]);
    });

    it("says what a whole config or a bound must be, never zod's wording", async () => {
      expect(await refused('array.json', [source])).toEqual([2, 'config: array.json: must be a JSON object (got an array)\n']);
      expect(await refused('bound.json', { sources: [source], hostIntervalSeconds: -1, degradedAfter: 101 })).toEqual([
        2,
        'config: bound.json: hostIntervalSeconds: must be at least 0\nconfig: bound.json: degradedAfter: must be at most 100\n',
      ]);
    });

    it('names an unknown key beside the other problems of its source', async () => {
      expect(await refused('colour.json', { sources: [{ ...source, url: 'https://user:pw@www.iso.org/standard/81230.html', colour: 'red' }] })).toEqual([
        2,
        'config: colour.json: sources[0].url: must not contain a user name or password (it would be published in every feed)\n' +
          'config: colour.json: sources[0].colour: is not a setting of an iso-page source (its own settings: none)\n',
      ]);
      expect(await refused('kind.json', { sources: [{ ...source, watcher: 'iso-pages', colour: 'red' }] })).toEqual([
        2,
        'config: kind.json: sources[0].watcher: must be one of iso-page, iso-opendata, iec-webstore, cen-project, nist-csrc, nist-techpubs\n' +
          'config: kind.json: sources[0].colour: is not a setting of any kind of source\n',
      ]);
    });

    it('says that an http URL to a loopback or private host needs allowPrivateNetwork for both', async () => {
      expect(await refused('http.json', { sources: [{ ...source, url: 'http://127.0.0.1:8080/standard/1.html' }] })).toEqual([
        2,
        'config: http.json: sources[0].url: must be an https URL, and is a loopback or private address: set allowPrivateNetwork to allow both (for tests and a local mirror)\n',
      ]);
      expect(await refused('http-public.json', { sources: [{ ...source, url: 'http://www.iso.org/standard/81230.html' }] })).toEqual([
        2,
        'config: http-public.json: sources[0].url: must be an https URL\n',
      ]);
    });

    it('names ./regwatch.config.json when it was read without --config', async () => {
      const implicit = join(dir, 'implicit');
      mkdirSync(implicit, { recursive: true });
      writeFileSync(join(implicit, 'regwatch.config.json'), JSON.stringify({ sources: [source], requestTimeoutSeconds: '30' }));
      const run = await runCli(['sources', '--data', 'empty'], implicit);
      expect([run.code, run.stderr]).toEqual([
        2,
        `config: ${join(implicit, 'regwatch.config.json')}: requestTimeoutSeconds: must be a number (got a string)\n`,
      ]);
    });
  });
});
