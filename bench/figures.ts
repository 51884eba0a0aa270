import { cpus, loadavg, totalmem } from 'node:os';

// How the benchmarks report: ranges over repeated runs, medians compared, and the machine beside them.

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `412–530 ms (median 430)`; milliseconds below 10 keep one decimal. */
export function msRange(samples: readonly number[]): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(1) : String(Math.round(x)));
  const sorted = [...samples].sort((a, b) => a - b);
  return `${ms(sorted[0]!)}–${ms(sorted.at(-1)!)} ms (median ${ms(median(samples))})`;
}

export function mbRange(samples: ReadonlyArray<number | null>): string {
  const known = samples.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return known.length === 0 ? 'n/a' : `${known[0]}–${known.at(-1)} MB`;
}

/** The ratio of the medians, `1.23x`. */
export function ratio(mine: readonly number[], theirs: readonly number[]): number {
  return median(mine) / median(theirs);
}

export function verdict(met: boolean): string {
  return met ? 'goal met' : 'GOAL NOT MET';
}

/** The machine line every benchmark prints first, with the load at the start (figures on a busy machine are noisy). */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min)`;
}

/** The count of a `--name <n>` flag, or the fallback. */
export function countFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name}: a positive whole number, got ${process.argv[at + 1]}`);
  return value;
}
