import type { EmailChannel, NotifyChannel, SlackChannel, TeamsChannel, WebhookChannel } from './channel-config.js';
import { targetUrlProblem } from './channel-config.js';
import { redactedTarget } from './http-post.js';
import { NotifyError } from './outcome.js';

// Secrets come from the environment the config names, read when a message is built or sent. Errors
// name the variable, never its value; describeChannel is what config dumps, /healthz and logs show.

export type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new NotifyError('NOTIFY_SECRET_MISSING', `${what}: environment variable ${name} is not set`);
  return value;
}

export function webhookSecret(channel: WebhookChannel, env: Env): string {
  return required(env, channel.secretEnv, `channel ${channel.id} (webhook) secretEnv`);
}

/** The Slack or Teams webhook URL: the config's `url`, or the value of `urlEnv`, checked like a config URL. */
export function chatTargetUrl(channel: SlackChannel | TeamsChannel, env: Env, options: { allowPrivateNetwork: boolean }): string {
  if (channel.url !== undefined) return channel.url;
  const name = channel.urlEnv as string;
  const url = required(env, name, `channel ${channel.id} (${channel.type}) urlEnv`);
  const problem = targetUrlProblem(url, options.allowPrivateNetwork);
  if (problem !== undefined) throw new NotifyError('NOTIFY_BAD_TARGET', `channel ${channel.id} (${channel.type}): the URL in ${name} ${problem}`);
  return url;
}

export function smtpPassword(channel: EmailChannel, env: Env): string | undefined {
  return channel.passwordEnv === undefined ? undefined : required(env, channel.passwordEnv, `channel ${channel.id} (email) passwordEnv`);
}

/** Every secret the channels need but the environment lacks, in config path style; for a check at start. */
export function missingSecrets(channels: readonly NotifyChannel[], env: Env, options: { allowPrivateNetwork: boolean }): string[] {
  const problems: string[] = [];
  channels.forEach((channel, index) => {
    const at = (field: string, error: unknown) =>
      problems.push(`notify[${index}].${field}: ${error instanceof NotifyError ? error.message.replace(/^notify: channel [^:]+: /, '') : String(error)}`);
    try {
      if (channel.type === 'webhook') webhookSecret(channel, env);
      if (channel.type === 'slack' || channel.type === 'teams') chatTargetUrl(channel, env, options);
      if (channel.type === 'email') smtpPassword(channel, env);
    } catch (error) {
      at(channel.type === 'webhook' ? 'secretEnv' : channel.type === 'email' ? 'passwordEnv' : 'urlEnv', error);
    }
  });
  return problems;
}

export interface ChannelDescription {
  id: string;
  type: NotifyChannel['type'];
  minSeverity: NotifyChannel['minSeverity'];
  sources: string[] | null;
  /** Where it goes, without anything secret: an origin, an env variable's name, an SMTP host and recipients. */
  target: string;
}

/** A channel as config dumps, sources.json, /healthz and logs may show it. */
export function describeChannel(channel: NotifyChannel): ChannelDescription {
  const base = { id: channel.id, type: channel.type, minSeverity: channel.minSeverity, sources: channel.sources ?? null };
  switch (channel.type) {
    case 'webhook':
      return { ...base, target: redactedTarget(channel.url) };
    case 'slack':
    case 'teams':
      return { ...base, target: channel.url !== undefined ? redactedTarget(channel.url) : `$${channel.urlEnv}` };
    case 'email':
      return { ...base, target: `smtp://${channel.host}:${channel.port} → ${channel.to.join(', ')}` };
  }
}
