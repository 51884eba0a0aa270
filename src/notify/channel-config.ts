import * as z from 'zod';
import { isPrivateHostLiteral } from '../fetch/address-guard.js';
import { severitySchema } from '../model/item.js';

// The `notify` list of the config: one entry per channel. No secret is ever a config value: the
// webhook's HMAC key and the SMTP password are named by an environment variable, and so may be the
// Slack and Teams webhook URLs (their path is the credential: whoever has the URL can post).

const channelId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 characters of a-z, 0-9, _ and -');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name (A-Z, 0-9, _)');
const sourceId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a source id');
const httpUrl = z
  .string()
  .url('must be a URL')
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http or https URL');

const common = {
  id: channelId,
  /** Items at least this severe are delivered (critical > major > minor > info > baseline). */
  minSeverity: severitySchema.default('major'),
  /** Only items of these sources; all sources when absent. */
  sources: z.array(sourceId).min(1, 'must list at least one source, or be left out').optional(),
};

const chatTarget = {
  url: httpUrl.optional(),
  /** The environment variable holding the URL instead: for Slack and Teams the URL is the credential. */
  urlEnv: envName.optional(),
};
const oneTarget = (c: { url?: string | undefined; urlEnv?: string | undefined }) => (c.url === undefined) !== (c.urlEnv === undefined);
const oneTargetMessage = { message: 'needs exactly one of url and urlEnv', path: ['url'] };

export const webhookChannelSchema = z
  .object({
    ...common,
    type: z.literal('webhook'),
    url: httpUrl,
    /** The environment variable holding the HMAC-SHA256 key of X-Regwatch-Signature. */
    secretEnv: envName,
  })
  .strict();

export const slackChannelSchema = z
  .object({ ...common, type: z.literal('slack'), ...chatTarget })
  .strict()
  .refine(oneTarget, oneTargetMessage);
export const teamsChannelSchema = z
  .object({ ...common, type: z.literal('teams'), ...chatTarget })
  .strict()
  .refine(oneTarget, oneTargetMessage);

export const emailChannelSchema = z
  .object({
    ...common,
    type: z.literal('email'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the first byte (SMTPS, usually port 465). */
    secure: z.boolean().default(false),
    /** When not `secure`: refuse to send unless the server upgrades with STARTTLS (the password never travels in clear). */
    starttls: z.boolean().default(true),
    user: z.string().min(1).max(320).optional(),
    passwordEnv: envName.optional(),
    from: z.email('must be an email address'),
    to: z.array(z.email('must be an email address')).min(1, 'must list at least one address'),
    /** `digest`: one message per run with every item; `per-item`: one message per item. */
    mode: z.enum(['digest', 'per-item']).default('digest'),
  })
  .strict()
  .refine((c) => (c.user === undefined) === (c.passwordEnv === undefined), { message: 'user and passwordEnv go together', path: ['passwordEnv'] });

export const notifyChannelSchema = z.discriminatedUnion('type', [webhookChannelSchema, slackChannelSchema, teamsChannelSchema, emailChannelSchema]);
export const notifyListSchema = z.array(notifyChannelSchema).default([]);

export type NotifyChannel = z.infer<typeof notifyChannelSchema>;
export type WebhookChannel = z.infer<typeof webhookChannelSchema>;
export type SlackChannel = z.infer<typeof slackChannelSchema>;
export type TeamsChannel = z.infer<typeof teamsChannelSchema>;
export type EmailChannel = z.infer<typeof emailChannelSchema>;

/**
 * Checks across fields and against the rest of the config, on the raw input like config.ts's own:
 * duplicate ids, `sources` that name no configured source, and URLs the allowPrivateNetwork setting
 * does not allow. Messages use the config's path style: `notify[1].url: must be an https URL`.
 */
export function notifyConfigProblems(notify: unknown, context: { allowPrivateNetwork: boolean; sourceIds: readonly string[] }): string[] {
  if (!Array.isArray(notify)) return [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  notify.forEach((channel: unknown, index) => {
    if (typeof channel !== 'object' || channel === null) return;
    const { id, url, sources } = channel as { id?: unknown; url?: unknown; sources?: unknown };
    if (typeof id === 'string') {
      const first = seen.get(id);
      if (first !== undefined) problems.push(`notify[${index}].id: duplicates notify[${first}].id "${id}"`);
      else seen.set(id, index);
    }
    if (Array.isArray(sources)) {
      sources.forEach((source: unknown, i) => {
        if (typeof source === 'string' && !context.sourceIds.includes(source)) {
          problems.push(`notify[${index}].sources[${i}]: "${source}" is not a configured source`);
        }
      });
    }
    if (typeof url === 'string') {
      const problem = targetUrlProblem(url, context.allowPrivateNetwork);
      if (problem !== undefined) problems.push(`notify[${index}].url: ${problem}`);
    }
  });
  return problems;
}

/**
 * Why a target URL (a channel's, the hub's, a source's) may not be used, or undefined. The URL itself
 * is never repeated: it may be a secret. allowPrivateNetwork allows both http and loopback or private
 * hosts, so an http URL to a local host names both (it once said only "must be an https URL").
 */
export function targetUrlProblem(url: string, allowPrivateNetwork: boolean, localUse = 'a local receiver'): string | undefined {
  const parsed = URL.parse(url);
  if (parsed === null) return 'must be a URL';
  if (allowPrivateNetwork) return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? undefined : 'must be an http or https URL';
  const local = isPrivateHostLiteral(parsed.hostname);
  if (parsed.protocol !== 'https:') {
    if (local && parsed.protocol === 'http:') {
      return `must be an https URL, and is a loopback or private address: set allowPrivateNetwork to allow both (for tests and ${localUse})`;
    }
    return 'must be an https URL';
  }
  if (local) return `is a loopback or private address (set allowPrivateNetwork for ${localUse})`;
  return undefined;
}
