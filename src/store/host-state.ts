import type Database from 'better-sqlite3';
import type { RobotsEntry } from '../fetch/host-state.js';

// Per-host politeness kept across runs (host_state): a 429/503 "not before" time and the robots.txt
// cache. The fetch layer reads and writes it through src/fetch/host-state.ts's HostStateStore.

interface HostRow {
  not_before: number | null;
  robots_fetched_at: number | null;
  robots_status: number | null;
  robots_body: string | null;
  robots_failure: string | null;
}

export function hostStateTable(db: Database.Database) {
  const statements = {
    hostState: db.prepare('SELECT not_before, robots_fetched_at, robots_status, robots_body, robots_failure FROM host_state WHERE host = ?'),
    setNotBefore: db.prepare('INSERT INTO host_state (host, not_before) VALUES (?, ?) ON CONFLICT (host) DO UPDATE SET not_before = excluded.not_before'),
    setRobots: db.prepare(`INSERT INTO host_state (host, robots_fetched_at, robots_status, robots_body, robots_failure) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (host) DO UPDATE SET robots_fetched_at = excluded.robots_fetched_at, robots_status = excluded.robots_status, robots_body = excluded.robots_body,
        robots_failure = excluded.robots_failure`),
  };
  const hostRow = (host: string) => statements.hostState.get(host) as HostRow | undefined;

  return {
    getNotBefore(host: string): number | undefined {
      return hostRow(host)?.not_before ?? undefined;
    },
    setNotBefore(host: string, epochMs: number): void {
      statements.setNotBefore.run(host, epochMs);
    },
    getRobots(host: string): RobotsEntry | undefined {
      const row = hostRow(host);
      if (row?.robots_fetched_at == null || row.robots_status == null) return undefined;
      return {
        fetchedAt: row.robots_fetched_at,
        body: row.robots_body,
        status: row.robots_status,
        ...(row.robots_failure === null ? {} : { failure: row.robots_failure }),
      };
    },
    setRobots(host: string, value: RobotsEntry): void {
      statements.setRobots.run(host, value.fetchedAt, value.status, value.body, value.failure ?? null);
    },
  };
}
