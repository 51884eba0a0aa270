import type Database from 'better-sqlite3';

// The outbox (deliveries): what each notification channel is owed. Rows are written in the
// transaction that creates their items (items.ts), claimed by a sender for a while, and end `sent`
// or `dead`. Times are ISO 8601 UTC strings, which compare as they sort.

export type DeliveryState = 'pending' | 'sent' | 'dead';

/** A message a channel is owed: its idempotency key and the ids of the items it carries, newest first. */
export interface PlannedDelivery {
  channelId: string;
  key: string;
  itemIds: string[];
}

export interface Delivery extends PlannedDelivery {
  id: number;
  state: DeliveryState;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  lastCode: string | null;
  lastError: string | null;
  /** When it was sent, or given up. */
  doneAt: string | null;
}

export interface ChannelCounts {
  channelId: string;
  pending: number;
  sent: number;
  dead: number;
  /** The oldest pending delivery's next attempt. */
  nextAttemptAt: string | null;
  /** The most recent failure of a delivery still pending or dead, and its stable code. */
  lastError: string | null;
  lastCode: string | null;
}

interface Row {
  id: number;
  channel_id: string;
  delivery_key: string;
  item_ids: string;
  created_at: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_code: string | null;
  last_error: string | null;
  done_at: string | null;
}

const COLUMNS = 'id, channel_id, delivery_key, item_ids, created_at, state, attempts, next_attempt_at, last_attempt_at, last_code, last_error, done_at';

function delivery(row: Row): Delivery {
  return {
    id: row.id,
    channelId: row.channel_id,
    key: row.delivery_key,
    itemIds: JSON.parse(row.item_ids) as string[],
    state: row.state,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastCode: row.last_code,
    lastError: row.last_error,
    doneAt: row.done_at,
  };
}

export function deliveriesTable(db: Database.Database) {
  const statements = {
    enqueue: db.prepare('INSERT OR IGNORE INTO deliveries (channel_id, delivery_key, item_ids, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)'),
    claim: db.prepare(`
      UPDATE deliveries SET claimed_until = @until
      WHERE id IN (
        SELECT id FROM deliveries
        WHERE state = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now)
          AND channel_id IN (SELECT value FROM json_each(@channels))
        ORDER BY id LIMIT @limit)
      RETURNING ${COLUMNS}`),
    countDue: db.prepare(`
      SELECT channel_id, count(*) AS due FROM deliveries
      WHERE state = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now)
        AND channel_id IN (SELECT value FROM json_each(@channels))
      GROUP BY channel_id ORDER BY channel_id`),
    release: db.prepare("UPDATE deliveries SET claimed_until = NULL WHERE id = ? AND state = 'pending'"),
    sent: db.prepare(
      "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, last_attempt_at = @at, done_at = @at, claimed_until = NULL WHERE id = @id",
    ),
    retry: db.prepare(`UPDATE deliveries SET attempts = attempts + 1, last_attempt_at = @at, next_attempt_at = @next, last_code = @code, last_error = @error,
      claimed_until = NULL WHERE id = @id`),
    dead: db.prepare(`UPDATE deliveries SET state = 'dead', attempts = attempts + 1, last_attempt_at = @at, done_at = @at, last_code = @code, last_error = @error,
      claimed_until = NULL WHERE id = @id`),
    deferChannel: db.prepare("UPDATE deliveries SET next_attempt_at = @until WHERE channel_id = @channel AND state = 'pending' AND next_attempt_at < @until"),
    requeueDead: db.prepare(`UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = @now, done_at = NULL, claimed_until = NULL
      WHERE state = 'dead' AND (@channel IS NULL OR channel_id = @channel)`),
    counts: db.prepare(`
      SELECT channel_id,
        sum(state = 'pending') AS pending, sum(state = 'sent') AS sent, sum(state = 'dead') AS dead,
        min(CASE WHEN state = 'pending' THEN next_attempt_at END) AS next_attempt_at,
        (SELECT json_array(last_error, last_code) FROM deliveries d WHERE d.channel_id = deliveries.channel_id AND d.state != 'sent' AND d.last_error IS NOT NULL
          ORDER BY d.last_attempt_at DESC, d.id DESC LIMIT 1) AS last_failure
      FROM deliveries GROUP BY channel_id ORDER BY channel_id`),
  };

  return {
    /** Inside the compose transaction (items.ts): a key already queued is left as it is. Returns how many were queued. */
    enqueue(planned: readonly PlannedDelivery[], at: string): number {
      let queued = 0;
      for (const p of planned) queued += statements.enqueue.run(p.channelId, p.key, JSON.stringify(p.itemIds), at, at).changes;
      return queued;
    },

    /**
     * Takes up to `limit` pending deliveries of these channels that are due at `now` and not claimed
     * by another sender, oldest first, and claims them until `until`.
     */
    claimDue(channelIds: readonly string[], now: string, until: string, limit: number): Delivery[] {
      const rows = statements.claim.all({ channels: JSON.stringify(channelIds), now, until, limit }) as Row[];
      return rows.map(delivery).sort((a, b) => a.id - b.id);
    },

    /** How many deliveries of these channels claimDue would take at `now`, per channel, without claiming any. */
    countDue(channelIds: readonly string[], now: string): Array<{ channelId: string; due: number }> {
      const rows = statements.countDue.all({ channels: JSON.stringify(channelIds), now }) as Array<{ channel_id: string; due: number }>;
      return rows.map((r) => ({ channelId: r.channel_id, due: r.due }));
    },

    /** Gives back a claimed delivery that was not attempted. */
    release(id: number): void {
      statements.release.run(id);
    },

    markSent(id: number, at: string): void {
      statements.sent.run({ id, at });
    },

    markRetry(id: number, at: string, next: string, code: string, error: string): void {
      statements.retry.run({ id, at, next, code, error });
    },

    markDead(id: number, at: string, code: string, error: string): void {
      statements.dead.run({ id, at, code, error });
    },

    /** A receiver asked for a pause (429 Retry-After): nothing more goes to the channel before `until`. */
    deferChannel(channelId: string, until: string): void {
      statements.deferChannel.run({ channel: channelId, until });
    },

    /** Dead deliveries (of one channel, or all) are pending again, due now, with a fresh count of attempts. Returns how many. */
    requeueDead(now: string, channelId?: string): number {
      return statements.requeueDead.run({ now, channel: channelId ?? null }).changes;
    },

    countsByChannel(): ChannelCounts[] {
      const rows = statements.counts.all() as Array<{
        channel_id: string;
        pending: number;
        sent: number;
        dead: number;
        next_attempt_at: string | null;
        last_failure: string | null;
      }>;
      return rows.map((r) => {
        const [lastError, lastCode] = r.last_failure === null ? [null, null] : (JSON.parse(r.last_failure) as [string, string | null]);
        return { channelId: r.channel_id, pending: r.pending, sent: r.sent, dead: r.dead, nextAttemptAt: r.next_attempt_at, lastError, lastCode };
      });
    },

    /** Deliveries newest first, filtered. */
    list(query: { state?: DeliveryState; channelId?: string; limit?: number } = {}): Delivery[] {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.state !== undefined) {
        where.push('state = ?');
        params.push(query.state);
      }
      if (query.channelId !== undefined) {
        where.push('channel_id = ?');
        params.push(query.channelId);
      }
      const sql = `SELECT ${COLUMNS} FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, query.limit ?? 1_000_000) as Row[]).map(delivery);
    },
  };
}

export type DeliveriesTable = ReturnType<typeof deliveriesTable>;
