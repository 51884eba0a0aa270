import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ATTEMPTS,
  backoff,
  channelWants,
  deliveryId,
  describeChannel,
  missingSecrets,
  nextStep,
  notifyConfigProblems,
  notifyListSchema,
  retryAfterMs,
} from '../src/notify/index.js';
import { parseConfig } from '../src/config/index.js';
import { plannedDeliveries } from '../src/notify/outbox-plan.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006 } from './publish-items.js';

// The `notify` list as a config author writes it, and the retry policy the outbox will follow.

const EXAMPLE = [
  { id: 'ops-hook', type: 'webhook', url: 'https://hooks.example.org/regwatch', secretEnv: 'REGWATCH_WEBHOOK_SECRET' },
  { id: 'team-slack', type: 'slack', urlEnv: 'REGWATCH_SLACK_URL', minSeverity: 'critical', sources: ['iso_42001'] },
  { id: 'team-teams', type: 'teams', url: 'https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=TOPSECRET' },
  {
    id: 'compliance-mail',
    type: 'email',
    host: 'smtp.example.org',
    user: 'regwatch',
    passwordEnv: 'REGWATCH_SMTP_PASSWORD',
    from: 'regwatch@example.org',
    to: ['compliance@example.org'],
  },
];

describe('notify config', () => {
  it('parses every channel type with its defaults (minSeverity major, email: port 587, STARTTLS required, digest)', () => {
    const [hook, slack, teams, mail] = notifyListSchema.parse(EXAMPLE);
    expect(hook).toEqual({ ...EXAMPLE[0], minSeverity: 'major' });
    expect(slack).toEqual(EXAMPLE[1]);
    expect(teams).toMatchObject({ minSeverity: 'major' });
    expect(mail).toEqual({ ...EXAMPLE[3], minSeverity: 'major', port: 587, secure: false, starttls: true, mode: 'digest' });
    expect(notifyListSchema.parse(undefined)).toEqual([]);
  });

  it('names what is wrong, by path', () => {
    const result = notifyListSchema.safeParse([
      { id: 'Bad Id', type: 'webhook', url: 'ftp://x', secretEnv: 'not a name' },
      { id: 'both', type: 'slack', url: 'https://hooks.slack.com/x', urlEnv: 'SLACK' },
      { id: 'none', type: 'teams' },
      { id: 'mail', type: 'email', host: 'h', user: 'u', from: 'not-an-address', to: [] },
      { id: 'pager', type: 'pagerduty' },
      { id: 'hook', type: 'webhook', url: 'https://x.example', secretEnv: 'S', secret: 'inline-secret' },
    ]);
    expect(result.success).toBe(false);
    const problems = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^0\.id: must be 1-64 characters/),
        '0.url: must be an http or https URL',
        expect.stringMatching(/^0\.secretEnv: must be an environment variable name/),
        '1.url: needs exactly one of url and urlEnv',
        '2.url: needs exactly one of url and urlEnv',
        '3.from: must be an email address',
        '3.to: must list at least one address',
        expect.stringMatching(/^4\.type: /),
        expect.stringMatching(/^5: Unrecognized key: "secret"/),
      ]),
    );
  });

  it('cross-field problems: duplicate ids, unknown sources, URLs allowPrivateNetwork does not allow', () => {
    const problems = notifyConfigProblems(
      [
        { id: 'a', type: 'webhook', url: 'http://hooks.example.org/', secretEnv: 'S' },
        { id: 'a', type: 'slack', url: 'https://127.0.0.1/hook', sources: ['iso_42001', 'iso_9999'] },
      ],
      { allowPrivateNetwork: false, sourceIds: ['iso_42001'] },
    );
    expect(problems).toEqual([
      'notify[0].url: must be an https URL',
      'notify[1].id: duplicates notify[0].id "a"',
      'notify[1].sources[1]: "iso_9999" is not a configured source',
      'notify[1].url: is a loopback or private address (set allowPrivateNetwork for a local receiver)',
    ]);
    expect(
      notifyConfigProblems([{ id: 'a', type: 'webhook', url: 'http://127.0.0.1:9/', secretEnv: 'S' }], { allowPrivateNetwork: true, sourceIds: [] }),
    ).toEqual([]);
  });

  it('missing secrets are named by variable at start; describeChannel shows no secret', () => {
    const channels = notifyListSchema.parse(EXAMPLE);
    expect(missingSecrets(channels, { REGWATCH_SLACK_URL: 'https://hooks.slack.com/services/T/B/SECRET' }, { allowPrivateNetwork: false })).toEqual([
      'notify[0].secretEnv: environment variable REGWATCH_WEBHOOK_SECRET is not set',
      'notify[3].passwordEnv: environment variable REGWATCH_SMTP_PASSWORD is not set',
    ]);
    const env = { REGWATCH_WEBHOOK_SECRET: 'hmac-key', REGWATCH_SLACK_URL: 'https://hooks.slack.com/services/T/B/SECRET', REGWATCH_SMTP_PASSWORD: 'pw' };
    expect(missingSecrets(channels, env, { allowPrivateNetwork: false })).toEqual([]);
    const described = channels.map(describeChannel);
    expect(described.map((d) => d.target)).toEqual([
      'https://hooks.example.org/…',
      '$REGWATCH_SLACK_URL',
      'https://prod-00.westeurope.logic.azure.com/…',
      'smtp://smtp.example.org:587 → compliance@example.org',
    ]);
    const dump = JSON.stringify(described);
    for (const secret of ['TOPSECRET', 'SECRET', 'hmac-key', '/regwatch']) expect(dump).not.toContain(secret);
  });
});

describe('the notify keys of a regwatch config', () => {
  const source = { id: 'iso_42001', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' };

  it('are read with their defaults: no channel, 8 attempts, no hub', () => {
    const config = parseConfig({ sources: [source] });
    expect([config.notify, config.notifyMaxAttempts, config.websubHub]).toEqual([[], DEFAULT_MAX_ATTEMPTS, undefined]);
    const full = parseConfig({ sources: [source], notify: EXAMPLE, notifyMaxAttempts: 3, websubHub: 'https://hub.example.org/' });
    expect(full.notify.map((c) => [c.id, c.minSeverity])).toEqual([
      ['ops-hook', 'major'],
      ['team-slack', 'critical'],
      ['team-teams', 'major'],
      ['compliance-mail', 'major'],
    ]);
    expect(full.websubHub).toBe('https://hub.example.org/');
  });

  it('name every bad field by its path, in one run, before anything is fetched', () => {
    const attempt = () =>
      parseConfig({
        sources: [source],
        notify: [
          { id: 'hook', type: 'webhook', url: 'http://hooks.example.org/', secretEnv: 'bad name' },
          { id: 'hook', type: 'slack', urlEnv: 'S', sources: ['iso_9999'] },
        ],
        notifyMaxAttempts: 0,
        websubHub: 'http://hub.example.org/',
      });
    expect(attempt).toThrow(expect.objectContaining({ code: 'REGWATCH_CONFIG' }));
    let problems: string[] = [];
    try {
      attempt();
    } catch (error) {
      problems = (error as { problems: string[] }).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^notify\[0\]\.secretEnv: must be an environment variable name/),
        'notify[0].url: must be an https URL',
        'notify[1].id: duplicates notify[0].id "hook"',
        'notify[1].sources[0]: "iso_9999" is not a configured source',
        expect.stringMatching(/^notifyMaxAttempts: /),
        'websubHub: must be an https URL',
      ]),
    );
  });
});

describe('the outbox plan', () => {
  it('owes each channel the new items its filters want: one row per item, oldest first, or one digest per refresh, newest first', () => {
    const channels = notifyListSchema.parse([
      { id: 'hook', type: 'webhook', url: 'https://hooks.example.org/', secretEnv: 'S' },
      { id: 'only-42001', type: 'webhook', url: 'https://hooks.example.org/', secretEnv: 'S', minSeverity: 'baseline', sources: ['iso_42001'] },
      { id: 'mail', type: 'email', host: 'smtp.example.org', from: 'a@example.org', to: ['b@example.org'], minSeverity: 'info' },
      { id: 'quiet', type: 'webhook', url: 'https://hooks.example.org/', secretEnv: 'S', minSeverity: 'critical' },
    ]);
    const oldestFirst = [BASELINE_42001, HEALTH_42006, FDIS_42005];
    expect(plannedDeliveries(channels, oldestFirst)).toEqual([
      { channelId: 'hook', key: deliveryId('hook', FDIS_42005.id), itemIds: [FDIS_42005.id] },
      { channelId: 'only-42001', key: deliveryId('only-42001', BASELINE_42001.id), itemIds: [BASELINE_42001.id] },
      { channelId: 'mail', key: expect.stringMatching(/^mail:digest:[0-9a-f]{32}$/), itemIds: [FDIS_42005.id, HEALTH_42006.id] },
    ]);
    expect(plannedDeliveries(channels, [])).toEqual([]);
  });
});

describe('channelWants', () => {
  it('compares severities strongest first (baseline below info) and filters by source', () => {
    const major = { minSeverity: 'major' as const, sources: undefined };
    expect(
      ['critical', 'major', 'minor', 'info', 'baseline'].map((severity) => channelWants(major, { severity: severity as never, source: 's', alsoSeenBy: [] })),
    ).toEqual([true, true, false, false, false]);
    expect(channelWants({ minSeverity: 'baseline', sources: ['a'] }, { severity: 'baseline', source: 'a', alsoSeenBy: [] })).toBe(true);
    expect(channelWants({ minSeverity: 'baseline', sources: ['a'] }, { severity: 'critical', source: 'b', alsoSeenBy: [] })).toBe(false);
  });

  it('delivers an item to a channel of any source that saw it, not only the one that leads it (a joint standard seen on iso.org and the IEC webstore)', () => {
    const seen = (source: string) => ({ source, provenance: {} as never });
    const item = { severity: 'critical' as const, source: 'iso_42001', alsoSeenBy: [seen('iec_42001')] };
    expect(channelWants({ minSeverity: 'major', sources: ['iec_42001'] }, item)).toBe(true);
    expect(channelWants({ minSeverity: 'major', sources: ['nist_csrc'] }, item)).toBe(false);
  });
});

describe('delivery ids', () => {
  it('are the channel and the item, header-safe', () => {
    expect(deliveryId('ops-hook', 'tag:regwatch,2026:iso_42005/iso:44545/3')).toBe('ops-hook:tag:regwatch,2026:iso_42005/iso:44545/3');
    expect(deliveryId('h', 'tag:regwatch,2026:ü/é')).toBe('h:tag:regwatch,2026:%C3%BC/%C3%A9');
  });
});

describe('retry policy', () => {
  const failure = { ok: false as const, permanent: false, code: 'NOTIFY_SERVER_ERROR' as const, reason: 'notify: POST https://x/… returned 503' };

  it('backoff grows exponentially with full jitter, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoff(n, () => 0.999999))).toEqual([29_999, 59_999, 119_999, 239_999]);
    expect(backoff(30, () => 0.999999)).toBe(Math.floor(0.999999 * 6 * 60 * 60 * 1000));
    expect(backoff(3, () => 0)).toBe(0);
    expect(backoff(2, () => 0.5, { baseMs: 1000, capMs: 10_000 })).toBe(1000);
  });

  it('Retry-After in seconds or as an HTTP-date; junk is ignored', () => {
    const now = Date.parse('2025-03-10T06:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 10 Mar 2025 06:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('Mon, 10 Mar 2025 05:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('retries with Retry-After or backoff, marks dead after maxAttempts or on a permanent failure', () => {
    const random = () => 0.5;
    expect(nextStep({ ok: true }, 1, { random })).toEqual({ kind: 'sent' });
    expect(nextStep(failure, 1, { random })).toEqual({ kind: 'retry', delayMs: 15_000 });
    expect(nextStep({ ...failure, retryAfterMs: 120_000 }, 1, { random })).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(nextStep(failure, DEFAULT_MAX_ATTEMPTS, { random })).toEqual({
      kind: 'dead',
      reason: `${failure.reason} (gave up after ${DEFAULT_MAX_ATTEMPTS} attempts)`,
    });
    expect(nextStep(failure, 3, { random, maxAttempts: 3 }).kind).toBe('dead');
    expect(nextStep({ ...failure, permanent: true }, 1, { random })).toEqual({ kind: 'dead', reason: failure.reason });
  });
});
