import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Item } from '../model/item.js';
import { SEVERITY_ORDER } from '../model/item.js';
import { escapeHtml as html } from '../publish/html-escape.js';
import type { EmailChannel } from './channel-config.js';
import { deliveryId, digestDeliveryId } from './delivery-id.js';
import { messageFacts, type MessageFacts, type MessageOptions } from './message-facts.js';
import { NotifyError, type DeliveryOutcome } from './outcome.js';
import { DELIVERY_HEADER } from './signature.js';

// Email through SMTP with nodemailer: plain text and HTML with the same facts, one message per item
// or one digest per run. The Message-ID derives from the delivery id, so a resend after a crash
// carries the same Message-ID and mail clients thread or drop it as the duplicate it is.

export interface EmailMessage {
  deliveryId: string;
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

type Addresses = Pick<EmailChannel, 'id' | 'from' | 'to'>;

export function buildItemEmail(item: Item, channel: Addresses, options: MessageOptions): EmailMessage {
  const facts = messageFacts(item, options);
  const id = deliveryId(channel.id, item.id);
  return envelope(channel, id, {
    subject: `[regwatch] [${facts.severity}] ${facts.whatChanged}`,
    text: `${textBlock(facts)}\n`,
    html: htmlPage(`<h1 style="font-size:1.2em">${html(facts.subject)}</h1>\n${htmlBlock(facts)}`),
  });
}

/** One message for every item of a run (newest first); undefined when there is nothing to send. */
export function buildDigestEmail(items: readonly Item[], channel: Addresses, options: MessageOptions): EmailMessage | undefined {
  if (items.length === 0) return undefined;
  const all = items.map((item) => messageFacts(item, options));
  const id = digestDeliveryId(
    channel.id,
    items.map((i) => i.id),
  );
  const counts = SEVERITY_ORDER.map((s) => [s, all.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const title = `${all.length} ${all.length === 1 ? 'change' : 'changes'}: ${counts}`;
  return envelope(channel, id, {
    subject: `[regwatch] ${title}`,
    text: `${title}\n\n${all.map(textBlock).join('\n\n')}\n`,
    html: htmlPage(
      `<h1 style="font-size:1.2em">${html(title)}</h1>\n${all.map((f) => `<h2 style="font-size:1.05em">${html(f.subject)}</h2>\n${htmlBlock(f)}`).join('\n<hr>\n')}`,
    ),
  });
}

function envelope(channel: Addresses, id: string, content: Pick<EmailMessage, 'subject' | 'text' | 'html'>): EmailMessage {
  const domain = channel.from.split('@').pop() ?? 'regwatch.invalid';
  return {
    deliveryId: id,
    messageId: `<${createHash('sha256').update(id).digest('hex').slice(0, 40)}@${domain}>`,
    from: channel.from,
    to: [...channel.to],
    subject: clip(content.subject, 250),
    text: content.text,
    html: content.html,
    headers: { [DELIVERY_HEADER]: id },
  };
}

function textBlock(f: MessageFacts): string {
  return [
    `${f.severity.toUpperCase()}: ${f.subject}`,
    f.whatChanged,
    `Standard: ${f.documentUrl}`,
    `In regwatch: ${f.itemUrl}`,
    `Observed: ${f.observedDate}`,
    `${f.rights}. ${f.attribution}`,
  ].join('\n');
}

function htmlBlock(f: MessageFacts): string {
  return [
    `<p><strong>${html(f.severity.toUpperCase())}</strong>: ${html(f.whatChanged)}</p>`,
    `<p>Standard: <a href="${html(f.documentUrl)}">${html(f.subject)}</a><br>`,
    `In regwatch: <a href="${html(f.itemUrl)}">${html(f.itemUrl)}</a><br>`,
    `Observed: ${html(f.observedDate)}</p>`,
    `<p style="color:#555;font-size:.9em">${html(f.rights)}. ${html(f.attribution)}</p>`,
  ].join('\n');
}

function htmlPage(body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head>\n<body>\n${body}\n</body></html>\n`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface EmailTransportOptions {
  /** Connection, greeting and socket timeouts. Default 30 s. */
  timeoutMs?: number;
}

// nodemailer is required with the first transport, not at every refresh's start-up (about 40 ms,
// for the configs with no email channel).
let nodemailer: typeof Nodemailer | undefined;

/** The SMTP transport of a channel; `password` comes from the channel's passwordEnv (see smtpPassword). */
export function createEmailTransport(channel: EmailChannel, password: string | undefined, options: EmailTransportOptions = {}): Transporter {
  const timeout = options.timeoutMs ?? 30_000;
  nodemailer ??= createRequire(import.meta.url)('nodemailer') as typeof Nodemailer;
  return nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure,
    requireTLS: !channel.secure && channel.starttls,
    ...(channel.user !== undefined && password !== undefined ? { auth: { user: channel.user, pass: password } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
}

export async function sendEmail(message: EmailMessage, deps: { transport: Transporter; secrets?: readonly string[] }): Promise<DeliveryOutcome> {
  const scrub = (text: string) => (deps.secrets ?? []).filter((s) => s !== '').reduce((t, s) => t.split(s).join('***'), text);
  try {
    const info = await deps.transport.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: message.messageId,
      headers: message.headers,
    });
    const rejected = (info.rejected ?? []).map(String);
    return rejected.length === 0 ? { ok: true } : { ok: true, note: `accepted for ${(info.accepted ?? []).length}, rejected: ${rejected.join(', ')}` };
  } catch (error) {
    return smtpFailure(error, scrub);
  }
}

function smtpFailure(error: unknown, scrub: (text: string) => string): DeliveryOutcome {
  if (error instanceof NotifyError) return error.toOutcome();
  const err = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  const replyCode = typeof err?.responseCode === 'number' ? err.responseCode : undefined;
  const detail = scrub(
    String(typeof err?.response === 'string' ? err.response : (err?.message ?? error))
      .replace(/\s+/g, ' ')
      .trim(),
  );
  const reason = `notify: SMTP ${code || 'error'}${replyCode !== undefined ? ` ${replyCode}` : ''}: ${detail}`;
  const status = replyCode === undefined ? {} : { status: replyCode };
  if (code === 'EAUTH') return { ok: false, permanent: true, code: 'NOTIFY_SMTP_AUTH', reason, ...status };
  if (code === 'ETLS') return { ok: false, permanent: true, code: 'NOTIFY_SMTP_TLS', reason, ...status };
  if (replyCode !== undefined && replyCode >= 500) return { ok: false, permanent: true, code: 'NOTIFY_SMTP_REJECTED', reason, status: replyCode };
  if (replyCode !== undefined && replyCode >= 400) return { ok: false, permanent: false, code: 'NOTIFY_SMTP_TRANSIENT', reason, status: replyCode };
  if (code === 'ETIMEDOUT') return { ok: false, permanent: false, code: 'NOTIFY_TIMEOUT', reason };
  return { ok: false, permanent: false, code: 'NOTIFY_NETWORK', reason };
}
