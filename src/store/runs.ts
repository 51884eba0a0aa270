import type Database from 'better-sqlite3';

// The runs table: one row per refresh, whoever started it (the schedule, a terminal, POST /refresh).

export interface RunRow {
  id: number;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: string | null;
}

export function runsTable(db: Database.Database) {
  const statements = {
    beginRun: db.prepare('INSERT INTO runs (trigger, started_at) VALUES (?, ?)'),
    finishRun: db.prepare('UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?'),
    closeInterruptedRuns: db.prepare(`
      UPDATE runs SET outcome = 'interrupted',
        finished_at = coalesce((SELECT max(checked_at) FROM checks WHERE run_id = runs.id), started_at)
      WHERE finished_at IS NULL RETURNING id`),
    lastRun: db.prepare('SELECT id, trigger, started_at, finished_at, outcome FROM runs ORDER BY id DESC LIMIT 1'),
  };

  return {
    beginRun(trigger: string, startedAt: string): number {
      return Number(statements.beginRun.run(trigger, startedAt).lastInsertRowid);
    },

    finishRun(runId: number, finishedAt: string, outcome: string): void {
      statements.finishRun.run(finishedAt, outcome, runId);
    },

    /**
     * Runs that never finished (their process was killed) are closed as `interrupted`, as finished at
     * their last sign of life (their last stored check, else their start). Only under the run lock
     * and before beginRun: a run still going has no finished_at either. Returns their ids.
     */
    closeInterruptedRuns(): number[] {
      return (statements.closeInterruptedRuns.all() as Array<{ id: number }>).map((row) => row.id).sort((a, b) => a - b);
    },

    /** The newest run, whoever started it; survives restarts. */
    lastRun(): RunRow | null {
      const row = statements.lastRun.get() as
        { id: number; trigger: string; started_at: string; finished_at: string | null; outcome: string | null } | undefined;
      return row === undefined ? null : { id: row.id, trigger: row.trigger, startedAt: row.started_at, finishedAt: row.finished_at, outcome: row.outcome };
    },
  };
}
