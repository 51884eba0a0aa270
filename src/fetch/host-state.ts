// What the fetch layer keeps between runs, per host (the lead's SQLite store implements it).

export interface RobotsEntry {
  fetchedAt: number;
  /** The robots.txt text for a 2xx, else null. */
  body: string | null;
  /** HTTP status, or 0 when the file could not be fetched at all. */
  status: number;
  /** Status 0: why it could not be fetched (`connection refused (connect ECONNREFUSED …)`). */
  failure?: string;
}

export interface HostStateStore {
  /** Epoch ms before which `host` (URL.host) must not be asked again (429/503 Retry-After). */
  getNotBefore(host: string): number | undefined;
  setNotBefore(host: string, epochMs: number): void;
  /** Keyed by origin (`https://www.iso.org`): RFC 9309 robots.txt applies per scheme, host and port. */
  getRobots(origin: string): RobotsEntry | undefined;
  setRobots(origin: string, value: RobotsEntry): void;
}
