import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { changesFileSchema, type Item } from '../src/model/item.js';
import { deliveryId, digestDeliveryId, type WebhookBody } from '../src/notify/index.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { startReceiver, type Received, type Receiver } from './notify-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

// Issue 12, end to end: real refreshes of recorded iso.org pages from a loopback server, with
// notification channels pointing at real receivers on 127.0.0.1 (HTTP and SMTP). What a receiver
// gets is checked the way a receiver checks it: the signature over the raw bytes, the item against
// changes.json, the email parsed by mailparser.

const SECRET = 'hook-secret-5c1d9e';
const PAGES = [
  { source: 'iso_22934', path: '/standard/74197.html', rounds: ['iso-74197-2020-11-02', 'iso-74197-2021-02-11'] },
  { source: 'iso_14460', path: '/standard/85870.html', rounds: ['iso-85870-2022-12-01', 'iso-85870-2023-02-03'] },
];

describeWithFixtures('notifications through refresh, to receivers on 127.0.0.1', () => {
  let h: Harness;
  let hook: Receiver;
  let flaky: Receiver;
  let smtp: SmtpReceiver;
  let refusedUrl: string;

  beforeAll(async () => {
    hook = await startReceiver();
    flaky = await startReceiver();
    // Its answers, in order: a 429 with Retry-After, a 503, then 200s.
    flaky.replies.push({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' }, { status: 503 });
    smtp = await startSmtpReceiver();
    const closed = await startReceiver();
    refusedUrl = closed.url('/hook');
    await closed.close();
    h = await startHarness(
      'notify',
      (origin) => PAGES.map((p) => ({ id: p.source, watcher: 'iso-page', url: `${origin}${p.path}` })),
      {
        notifyMaxAttempts: 3,
        notify: [
          { id: 'hook', type: 'webhook', url: hook.url('/regwatch'), secretEnv: 'HOOK_SECRET' },
          { id: 'flaky', type: 'webhook', url: flaky.url('/regwatch'), secretEnv: 'HOOK_SECRET' },
          { id: 'down', type: 'webhook', url: refusedUrl, secretEnv: 'HOOK_SECRET' },
          {
            id: 'mail',
            type: 'email',
            host: '127.0.0.1',
            port: smtp.port,
            starttls: false,
            from: 'regwatch@example.org',
            to: ['compliance@example.org'],
            minSeverity: 'baseline',
          },
        ],
      },
      { env: { HOOK_SECRET: SECRET } },
    );
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([hook?.close(), flaky?.close(), smtp?.close()]);
  });

  async function round(n: number, at: string) {
    for (const page of PAGES) h.server.routes.set(page.path, { file: fixturePath('iso-pages', `${page.rounds[n]}.html`) });
    return h.refreshAt(at);
  }

  const published = (): Item[] => changesFileSchema.parse(JSON.parse(readFileSync(join(h.dataDir, 'public', 'changes.json'), 'utf8'))).items;
  const keyOf = (r: Received) => r.headers['x-regwatch-delivery'];

  it('a first refresh queues the baselines only for the channel that asked for them: one digest email', async () => {
    const { result, added } = await round(0, '2026-01-01T06:00:00.000Z');
    expect(added.map((i) => i.event)).toEqual(['baseline', 'baseline']);
    expect(result.notified).toMatchObject({ sent: 1, retrying: 0, dead: 0 });
    expect(hook.received).toEqual([]);
    expect(flaky.received).toEqual([]);

    expect(smtp.messages).toHaveLength(1);
    const { mail, to } = smtp.messages[0]!;
    expect(to).toEqual(['compliance@example.org']);
    expect(mail.subject).toBe('[regwatch] 2 changes: 2 baseline');
    const newestFirst = published().map((i) => i.id);
    expect(mail.headers.get('x-regwatch-delivery')).toBe(digestDeliveryId('mail', newestFirst));
    for (const item of published()) expect(mail.text).toContain(item.document!.reference);
  });

  it('a refresh with changes delivers each to the webhook, signed, the item exactly as changes.json has it; a dead channel fails nothing', async () => {
    const { result, added } = await round(1, '2026-01-02T06:00:00.000Z');
    expect(added.map((i) => [i.source, i.event]).sort()).toEqual([
      ['iso_14460', 'dis-ballot'],
      ['iso_22934', 'fdis'],
    ]);
    // The refresh completed and published, whatever the channels did.
    expect(result.outcomes.map((o) => o.verdict)).toEqual(['changed', 'changed']);
    expect(
      published()
        .slice(0, 2)
        .map((i) => i.id)
        .sort(),
    ).toEqual(added.map((i) => i.id).sort());

    expect(hook.received).toHaveLength(2);
    const items = published();
    for (const request of hook.received) {
      expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
      const expected = Buffer.from(createHmac('sha256', SECRET).update(request.body).digest('hex'));
      const given = Buffer.from(String(request.headers['x-regwatch-signature']).replace(/^sha256=/, ''));
      expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
      const body = JSON.parse(request.body.toString('utf8')) as WebhookBody;
      const item = items.find((i) => i.id === body.item.id)!;
      expect(body).toEqual({ version: 1, deliveryId: deliveryId('hook', item.id), channel: 'hook', item });
      expect(keyOf(request)).toBe(deliveryId('hook', item.id));
    }
    // Oldest first: the order the store created them in.
    expect(hook.received.map((r) => (JSON.parse(r.body.toString()) as WebhookBody).item.id)).toEqual(added.map((i) => i.id).reverse());

    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]!.mail.subject).toBe('[regwatch] 2 changes: 2 major');

    // flaky answered 429 (Retry-After 120 s) to its first delivery; the other waits with it.
    expect(flaky.received).toHaveLength(1);
    expect(result.notified).toMatchObject({ sent: 3, retrying: 2, dead: 0 });
    expect(h.store.deliveries.countsByChannel()).toEqual([
      expect.objectContaining({ channelId: 'down', pending: 2, dead: 0, lastError: expect.stringContaining('ECONNREFUSED') }),
      expect.objectContaining({ channelId: 'flaky', pending: 2, sent: 0 }),
      expect.objectContaining({ channelId: 'hook', pending: 0, sent: 2 }),
      expect.objectContaining({ channelId: 'mail', pending: 0, sent: 2 }),
    ]);
  });

  it('honours Retry-After, retries with backoff, and a receiver that failed twice gets each delivery exactly once', async () => {
    // A minute later the receiver's 120 s have not passed: nothing goes to it.
    await h.sendDueAt('2026-01-02T06:01:00.000Z');
    expect(flaky.received).toHaveLength(1);
    // Its second answer is a 503: the channel is left for a later pass after that one attempt.
    await h.sendDueAt('2026-01-02T07:00:00.000Z');
    expect(flaky.received).toHaveLength(2);
    await h.sendDueAt('2026-01-02T08:00:00.000Z');
    await h.sendDueAt('2026-01-02T09:00:00.000Z');
    const keys = flaky.received.map(keyOf);
    expect(keys).toHaveLength(4);
    // The first delivery was tried three times (429, 503, 200), the second once; both keys name channel and item.
    expect(keys[0]).toBe(keys[1]);
    expect(keys[1]).toBe(keys[2]);
    expect(new Set(keys).size).toBe(2);
    expect(h.store.deliveries.countsByChannel().find((c) => c.channelId === 'flaky')).toMatchObject({ pending: 0, sent: 2, dead: 0 });
  });

  it('gives a delivery up after notifyMaxAttempts failed attempts, and says why', async () => {
    for (const hour of [10, 11, 12, 13, 14, 15]) await h.sendDueAt(`2026-01-02T${hour}:00:00.000Z`);
    const down = h.store.deliveries.list({ channelId: 'down' });
    expect(down.map((d) => [d.state, d.attempts])).toEqual([
      ['dead', 3],
      ['dead', 3],
    ]);
    expect(down[0]!.lastError).toMatch(/^notify: POST http:\/\/127\.0\.0\.1:\d+\/… failed: .*ECONNREFUSED.* \(gave up after 3 attempts\)$/);
    expect(down[0]!.lastCode).toBe('NOTIFY_NETWORK');
  });

  it('a second refresh of the same pages sends nothing again', async () => {
    const before = { hook: hook.received.length, flaky: flaky.received.length, mail: smtp.messages.length };
    const { added, result } = await round(1, '2026-01-03T06:00:00.000Z');
    expect(added).toEqual([]);
    expect(result.notified).toMatchObject({ sent: 0, retrying: 0, dead: 0 });
    expect({ hook: hook.received.length, flaky: flaky.received.length, mail: smtp.messages.length }).toEqual(before);
  });
});
