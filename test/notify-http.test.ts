import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { KnownBlock } from '@slack/types';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../src/fetch/http-client.js';
import type { Item } from '../src/model/item.js';
import {
  buildSlackMessage,
  buildTeamsMessage,
  buildWebhookMessage,
  escapeCardMarkdown,
  messagesFor,
  postHttp,
  send,
  sendWebhook,
  slackPayload,
  teamsPayload,
  verifySignature,
  type HttpPostDeps,
  type NotifyChannel,
  type WebhookBody,
} from '../src/notify/index.js';
import { notifyChannelSchema } from '../src/notify/channel-config.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006 } from './publish-items.js';
import { startReceiver, type Receiver } from './notify-receiver.js';

// Webhook, Slack and Teams messages sent to a receiver on 127.0.0.1, checked the way their real
// consumers check them: the signature with node:crypto, the item with the published JSON Schema,
// the Adaptive Card with Microsoft's adaptivecards library, the Slack blocks with @slack/types.

const SECRET = 'whsec-test-3f9a1c';
const NOW = Date.parse('2025-03-10T06:00:00Z');
const OPTIONS = { publicUrl: 'https://regwatch.example.org/' };
const SENTINEL = 'SCOPE-SENTINEL this document specifies requirements';

let receiver: Receiver;
let agent: Agent;
let deps: HttpPostDeps;
beforeAll(async () => {
  receiver = await startReceiver();
  agent = new Agent();
  deps = { dispatcher: agent, userAgent: 'regwatch/test (+https://example.org)', now: () => NOW };
});
afterAll(async () => {
  await agent.close();
  await receiver.close();
});

/** What a receiver does: HMAC over the raw bytes, constant-time compare; nothing of ours. */
function receiverAccepts(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('hex'), 'utf8');
  const given = Buffer.from(header.slice('sha256='.length), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function consumerItemValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(new URL('../schema/changes.schema.json', import.meta.url), 'utf8')));
  return (item: unknown) => {
    const ok = validate({ version: 1, generatedAt: '2025-03-10T06:00:00Z', items: [item] });
    return { ok, errors: ajv.errorsText(validate.errors) };
  };
}

describe('webhook', () => {
  it('POSTs one signed JSON document per item: the changes.json item in an envelope, with the delivery id', async () => {
    const channel = { id: 'ops-hook', url: receiver.url('/hooks/regwatch') };
    const message = buildWebhookMessage(FDIS_42005, channel, SECRET);
    const outcome = await sendWebhook(message, deps);
    expect(outcome).toEqual({ ok: true, status: 200 });

    const request = receiver.received.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/regwatch');
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['user-agent']).toBe('regwatch/test (+https://example.org)');
    expect(receiverAccepts(request.body, request.headers['x-regwatch-signature'], SECRET)).toBe(true);
    expect(receiverAccepts(request.body, request.headers['x-regwatch-signature'], 'another-secret')).toBe(false);
    expect(receiverAccepts(Buffer.concat([request.body, Buffer.from(' ')]), request.headers['x-regwatch-signature'], SECRET)).toBe(false);
    // The helper documented for receivers agrees with the hand-written check.
    expect(verifySignature(request.body, request.headers['x-regwatch-signature'], SECRET)).toBe(true);
    expect(verifySignature(request.body, request.headers['x-regwatch-signature'], 'another-secret')).toBe(false);
    expect(verifySignature(request.body, 'sha256=abc', SECRET)).toBe(false);

    const delivery = 'ops-hook:tag:regwatch,2026:iso_42005/iso:44545/2';
    expect(request.headers['x-regwatch-delivery']).toBe(delivery);
    const body = JSON.parse(request.body.toString('utf8')) as WebhookBody;
    expect(body).toEqual({ version: 1, deliveryId: delivery, channel: 'ops-hook', item: FDIS_42005 });
    const check = consumerItemValidator()(body.item);
    expect(check.ok, check.errors).toBe(true);
  });

  it('is deterministic: the same item to the same channel is the same bytes, signature and key (a resend is recognisable)', () => {
    const channel = { id: 'ops-hook', url: receiver.url('/') };
    const a = buildWebhookMessage(FDIS_42005, channel, SECRET);
    const b = buildWebhookMessage(structuredClone(FDIS_42005), channel, SECRET);
    expect(b).toEqual(a);
    expect(buildWebhookMessage(FDIS_42005, { ...channel, id: 'other' }, SECRET).deliveryId).toBe('other:tag:regwatch,2026:iso_42005/iso:44545/2');
    expect(buildWebhookMessage(BASELINE_42001, channel, SECRET).deliveryId).not.toBe(a.deliveryId);
  });

  it('refuses an item carrying anything beyond the Item contract (an abstract), naming the item', () => {
    const smuggled = { ...FDIS_42005, scope: SENTINEL } as unknown as Item;
    expect(() => buildWebhookMessage(smuggled, { id: 'x', url: receiver.url('/') }, SECRET)).toThrow(
      expect.objectContaining({ code: 'NOTIFY_BAD_ITEM', message: expect.stringMatching(/^notify: item \(tag:regwatch.*\) is not a valid item/) }),
    );
    expect(() => slackPayload(smuggled, OPTIONS)).toThrow(expect.objectContaining({ code: 'NOTIFY_BAD_ITEM' }));
    expect(() => teamsPayload(smuggled, OPTIONS)).toThrow(expect.objectContaining({ code: 'NOTIFY_BAD_ITEM' }));
  });
});

describe('HTTP outcomes', () => {
  const post = () => postHttp({ url: receiver.url('/x'), headers: { 'content-type': 'application/json' }, body: '{}' }, deps);

  it('2xx is delivered (Slack answers 200 "ok", Teams Workflows 202, a hub 204)', async () => {
    for (const status of [200, 202, 204]) {
      receiver.replies.push({ status });
      expect(await post()).toEqual({ ok: true, status });
    }
  });

  it('429 is retried after Retry-After, in seconds or as an HTTP-date', async () => {
    receiver.replies.push({ status: 429, headers: { 'retry-after': '120' }, body: 'rate_limited' });
    expect(await post()).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_RATE_LIMITED', retryAfterMs: 120_000, status: 429 });
    receiver.replies.push({ status: 429, headers: { 'retry-after': new Date(NOW + 90_000).toUTCString() } });
    expect(await post()).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_RATE_LIMITED', retryAfterMs: 90_000 });
    receiver.replies.push({ status: 429 });
    const bare = await post();
    expect(bare).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_RATE_LIMITED' });
    expect(bare).not.toHaveProperty('retryAfterMs');
  });

  it("a 200 whose body reports Teams' 429 is rate limiting, not success", async () => {
    receiver.replies.push({ status: 200, body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId ...' });
    expect(await post()).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_RATE_LIMITED' });
  });

  it('5xx and 408 are retried; other 4xx and redirects fail for good, quoting what the receiver said', async () => {
    receiver.replies.push({ status: 503, headers: { 'retry-after': '30' } });
    expect(await post()).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_SERVER_ERROR', retryAfterMs: 30_000 });
    receiver.replies.push({ status: 500 });
    expect(await post()).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_SERVER_ERROR' });
    receiver.replies.push({ status: 408 });
    expect(await post()).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_SERVER_ERROR' });
    receiver.replies.push({ status: 404, body: 'no_service' });
    const gone = await post();
    expect(gone).toMatchObject({ ok: false, permanent: true, code: 'NOTIFY_HTTP_STATUS', status: 404 });
    expect(gone.ok === false && gone.reason).toMatch(/^notify: POST http:\/\/127\.0\.0\.1:\d+\/… returned 404: no_service$/);
    receiver.replies.push({ status: 301, headers: { location: 'https://elsewhere.example/' } });
    expect(await post()).toMatchObject({ ok: false, permanent: true, code: 'NOTIFY_HTTP_STATUS', status: 301 });
  });

  it('never names the path of the target (a Slack or Teams URL is the credential)', async () => {
    const secretUrl = receiver.url('/services/T000/B000/XXXXSECRETXXXX');
    receiver.replies.push({ status: 400, body: `invalid_payload for ${secretUrl}` });
    const outcome = await postHttp({ url: secretUrl, headers: {}, body: '{}' }, deps);
    expect(outcome.ok).toBe(false);
    expect(JSON.stringify(outcome)).not.toContain('XXXXSECRETXXXX');
  });

  it('a refused connection is retried', async () => {
    const closed = await startReceiver();
    const url = closed.url('/hook');
    await closed.close();
    const outcome = await postHttp({ url, headers: {}, body: '{}' }, deps);
    expect(outcome).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_NETWORK' });
  });

  it("the project's guarded agent refuses a loopback target without allowPrivateNetwork, and nothing is sent", async () => {
    const guarded = createAgent({ timeouts: { connectMs: 5000, headersMs: 5000, bodyMs: 5000, totalMs: 10_000 }, allowPrivateNetwork: false });
    const before = receiver.received.length;
    try {
      const outcome = await postHttp({ url: receiver.url('/hook'), headers: {}, body: '{}' }, { ...deps, dispatcher: guarded });
      expect(outcome).toMatchObject({ ok: false, permanent: true, code: 'NOTIFY_PRIVATE_ADDRESS' });
      expect(receiver.received.length).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});

describe('Slack', () => {
  it('sends Block Kit with a plain-text summary, severity, a link to the standard and one to the item', async () => {
    const message = buildSlackMessage(FDIS_42005, receiver.url('/services/T1/B1/abc'), OPTIONS);
    expect(await postHttp(message, deps)).toEqual({ ok: true, status: 200 });
    const payload = JSON.parse(receiver.received.at(-1)!.body.toString('utf8'));
    const blocks: KnownBlock[] = slackPayload(FDIS_42005, OPTIONS).blocks; // compile-time check against Slack's own types
    expect(payload.blocks).toEqual(blocks);
    expect(payload.text).toBe('[major] ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00] (stage date 2025-03-06)');
    expect(payload.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*MAJOR* · <https://www.iso.org/standard/44545.html|ISO/IEC FDIS 42005>' },
    });
    expect(payload.blocks[1].text.type).toBe('plain_text');
    expect(payload.blocks[2].elements[0].text).toBe(
      '<https://regwatch.example.org/#source-iso_42005|regwatch item> · observed 2025-03-10 · ISO/IEC copyright — metadata only',
    );
    expect(payload.unfurl_links).toBe(false);
  });

  it("escapes Slack's control characters so a summary cannot make a link or a mention", () => {
    const evil: Item = { ...FDIS_42005, summary: 'Evil <https://evil.example|click> <!channel> & co' };
    const payload = slackPayload(evil, OPTIONS);
    expect(payload.text).toContain('Evil &lt;https://evil.example|click&gt; &lt;!channel&gt; &amp; co');
    expect(payload.blocks[1]).toEqual({ type: 'section', text: { type: 'plain_text', text: `${evil.summary} (stage date 2025-03-06)`, emoji: false } });
    // Everything Slack parses as mrkdwn (the fallback text, mrkdwn objects) carries no raw control character from the summary.
    const parsed = [
      payload.text,
      ...payload.blocks.flatMap((b) => (b.type === 'section' ? [b.text] : b.elements).filter((t) => t.type === 'mrkdwn').map((t) => t.text)),
    ];
    for (const text of parsed) expect(text).not.toMatch(/<!channel>|<https:\/\/evil|& co/);
  });
});

describe('Teams (Workflows webhook)', () => {
  const require = createRequire(import.meta.url);
  // The package's own ESM build does not load in Node; its UMD bundle does.
  const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

  it('posts a message with one Adaptive Card attachment, which the adaptivecards library parses without a warning', async () => {
    const message = buildTeamsMessage(FDIS_42005, receiver.url('/workflows/abc/triggers/manual/paths/invoke'), OPTIONS);
    receiver.replies.push({ status: 202 });
    expect(await postHttp(message, deps)).toEqual({ ok: true, status: 202 });
    const payload = JSON.parse(receiver.received.at(-1)!.body.toString('utf8'));
    expect(payload.type).toBe('message');
    expect(payload.attachments).toHaveLength(1);
    expect(payload.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null });
    const content = payload.attachments[0].content;
    expect(content).toMatchObject({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });

    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(content, context);
    const events = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
    expect(events).toEqual([]);
    expect(card.validateProperties().validationEvents.map((e) => e.message)).toEqual([]);
    expect(card.getActionCount()).toBe(2);
    const actions = [0, 1].map((i) => card.getActionAt(i) as InstanceType<typeof AC.OpenUrlAction>);
    expect(actions.map((a) => [a.title, a.url])).toEqual([
      ['ISO/IEC FDIS 42005', 'https://www.iso.org/standard/44545.html'],
      ['regwatch item', 'https://regwatch.example.org/#source-iso_42005'],
    ]);
    const texts = content.body.map((b: { text: string }) => b.text);
    expect(texts[0]).toBe('MAJOR · ISO/IEC FDIS 42005');
    expect(texts[1]).toBe('ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00] (stage date 2025-03-06)');
  });

  it('a source-health item links to the page that failed', () => {
    const content = teamsPayload(HEALTH_42006, OPTIONS).attachments[0].content;
    expect(content.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'iso_42006', url: HEALTH_42006.provenance.url });
  });

  it('escapes only what would format or link: emphasis, code, `](`, a leading list marker', () => {
    expect(escapeCardMarkdown('ISO/IEC 42005 [50.20] iso_42005')).toBe('ISO/IEC 42005 [50.20] iso_42005');
    expect(escapeCardMarkdown('see [here](https://evil.example) **now** _x_ `c` a\\b')).toBe(
      'see [here\\](https://evil.example) \\*\\*now\\*\\* \\_x\\_ \\`c\\` a\\\\b',
    );
    expect(escapeCardMarkdown('- not a list')).toBe('\\- not a list');
    expect(escapeCardMarkdown('1. not a list')).toBe('1\\. not a list');
  });
});

describe('messagesFor', () => {
  const parse = (raw: unknown) => notifyChannelSchema.parse(raw) as NotifyChannel;
  const items = [FDIS_42005, HEALTH_42006, BASELINE_42001];
  const context = { ...OPTIONS, allowPrivateNetwork: true };

  it('keeps the items a channel wants (minSeverity default major, sources) and signs with the secret from the environment', async () => {
    const hook = parse({ id: 'hook', type: 'webhook', url: receiver.url('/h'), secretEnv: 'HOOK_SECRET' });
    const out = messagesFor(hook, items, { ...context, env: { HOOK_SECRET: SECRET } });
    expect(out.map((o) => o.itemIds)).toEqual([[FDIS_42005.id]]);
    const all = messagesFor(parse({ ...hook, minSeverity: 'baseline' }), items, { ...context, env: { HOOK_SECRET: SECRET } });
    expect(all.map((o) => o.itemIds[0])).toEqual(items.map((i) => i.id));
    const only42001 = messagesFor(parse({ ...hook, minSeverity: 'baseline', sources: ['iso_42001'] }), items, { ...context, env: { HOOK_SECRET: SECRET } });
    expect(only42001.map((o) => o.itemIds[0])).toEqual([BASELINE_42001.id]);

    const [first] = out;
    expect(
      await send(first!, {
        http: deps,
        emailTransport: () => {
          throw new Error('no email here');
        },
      }),
    ).toEqual({ ok: true, status: 200 });
    const request = receiver.received.at(-1)!;
    expect(receiverAccepts(request.body, request.headers['x-regwatch-signature'], SECRET)).toBe(true);
  });

  it('a missing secret or URL variable is a NotifyError naming the variable, never a value', () => {
    const hook = parse({ id: 'hook', type: 'webhook', url: receiver.url('/h'), secretEnv: 'HOOK_SECRET' });
    expect(() => messagesFor(hook, items, { ...context, env: {} })).toThrow(
      'notify: channel hook (webhook) secretEnv: environment variable HOOK_SECRET is not set',
    );
    const slack = parse({ id: 'team-chat', type: 'slack', urlEnv: 'SLACK_URL' });
    expect(() => messagesFor(slack, items, { ...context, env: { SLACK_URL: '' } })).toThrow(expect.objectContaining({ code: 'NOTIFY_SECRET_MISSING' }));
    const plain = 'http://hooks.slack.example/services/SECRETPATH';
    let thrown: unknown;
    try {
      messagesFor(slack, items, { ...context, allowPrivateNetwork: false, env: { SLACK_URL: plain } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'NOTIFY_BAD_TARGET', message: 'notify: channel team-chat (slack): the URL in SLACK_URL must be an https URL' });
    expect(String((thrown as Error).message)).not.toContain('SECRETPATH');
  });

  it('reads a Slack or Teams URL from the environment and sends there', async () => {
    const teams = parse({ id: 'teams', type: 'teams', urlEnv: 'TEAMS_URL', minSeverity: 'critical' });
    expect(messagesFor(teams, items, { ...context, env: { TEAMS_URL: receiver.url('/t') } })).toEqual([]);
    const wanted = messagesFor(parse({ ...teams, minSeverity: 'major' }), items, { ...context, env: { TEAMS_URL: receiver.url('/t') } });
    expect(wanted).toHaveLength(1);
    expect(wanted[0]!.kind === 'http' && wanted[0]!.message.url).toBe(receiver.url('/t'));
    expect(wanted[0]!.deliveryId).toBe(`teams:${FDIS_42005.id}`);
  });
});
