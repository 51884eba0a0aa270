import type { SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Item } from '../src/model/item.js';
import {
  buildDigestEmail,
  buildItemEmail,
  createEmailTransport,
  emailChannelSchema,
  messagesFor,
  send,
  sendEmail,
  smtpPassword,
  type EmailChannel,
} from '../src/notify/index.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006, hostileItem } from './publish-items.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

// Email through a real SMTP server on 127.0.0.1 (smtp-server), each message parsed back with
// mailparser: what a mail client would show is what is asserted.

const OPTIONS = { publicUrl: 'https://regwatch.example.org/' };
const PASSWORD = 'smtp-pass-7Qz!';

const servers: SmtpReceiver[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

async function startSmtp(server: Partial<SMTPServerOptions> = {}): Promise<SmtpReceiver> {
  const smtp = await startSmtpReceiver({ credentials: { user: 'regwatch', password: PASSWORD }, server });
  servers.push(smtp);
  return smtp;
}

function channel(port: number, overrides: Record<string, unknown> = {}): EmailChannel {
  return emailChannelSchema.parse({
    id: 'compliance-mail',
    type: 'email',
    host: '127.0.0.1',
    port,
    starttls: false,
    user: 'regwatch',
    passwordEnv: 'SMTP_PASSWORD',
    from: 'regwatch@example.org',
    to: ['compliance@example.org', 'audit@example.org'],
    mode: 'per-item',
    ...overrides,
  });
}

function transportFor(c: EmailChannel) {
  return createEmailTransport(c, smtpPassword(c, { SMTP_PASSWORD: PASSWORD }), { timeoutMs: 10_000 });
}

describe('email per item', () => {
  it('arrives with subject, plain text, HTML, the delivery header and a Message-ID derived from it', async () => {
    const smtp = await startSmtp();
    const c = channel(smtp.port);
    const message = buildItemEmail(FDIS_42005, c, OPTIONS);
    const transport = transportFor(c);
    try {
      expect(await sendEmail(message, { transport })).toEqual({ ok: true });
    } finally {
      transport.close();
    }
    expect(smtp.messages).toHaveLength(1);
    const { from, to, user, mail } = smtp.messages[0]!;
    expect([from, to, user]).toEqual(['regwatch@example.org', ['compliance@example.org', 'audit@example.org'], 'regwatch']);
    expect(mail.subject).toBe(
      '[regwatch] [major] ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00] (stage date 2025-03-06)',
    );
    expect(mail.headers.get('x-regwatch-delivery')).toBe('compliance-mail:tag:regwatch,2026:iso_42005/iso:44545/2');
    expect(mail.messageId).toBe(message.messageId);
    expect(mail.messageId).toMatch(/^<[0-9a-f]{40}@example\.org>$/);
    expect(mail.text).toBe(
      [
        'MAJOR: ISO/IEC FDIS 42005',
        'ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00] (stage date 2025-03-06)',
        'Standard: https://www.iso.org/standard/44545.html',
        'In regwatch: https://regwatch.example.org/#source-iso_42005',
        'Observed: 2025-03-10',
        'ISO/IEC copyright — metadata only. Catalogue metadata from iso.org; the standard itself is © ISO/IEC and sold by ISO and its members.',
        '',
      ].join('\n'),
    );
    const html = String(mail.html);
    expect(html).toContain('<a href="https://www.iso.org/standard/44545.html">ISO/IEC FDIS 42005</a>');
    expect(html).toContain('<a href="https://regwatch.example.org/#source-iso_42005">');
    expect(html).toContain('FDIS ballot initiated [50.20]');
  });

  it('escapes hostile text in the HTML part and keeps it readable in the text part', async () => {
    const smtp = await startSmtp();
    const c = channel(smtp.port);
    const transport = transportFor(c);
    const hostile: Item = { ...hostileItem(1), summary: 'A <script>alert(1)</script> & "q" ]]> done' };
    try {
      expect(await sendEmail(buildItemEmail(hostile, c, OPTIONS), { transport })).toEqual({ ok: true });
    } finally {
      transport.close();
    }
    const { mail } = smtp.messages[0]!;
    expect(String(mail.html)).not.toContain('<script>');
    expect(String(mail.html)).toContain('A &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; ]]&gt; done');
    expect(mail.text).toContain('A <script>alert(1)</script> & "q" ]]> done');
  });
});

describe('email digest', () => {
  it('sends one message for the run with every wanted item, newest first, and counts by severity', async () => {
    const smtp = await startSmtp();
    const c = channel(smtp.port, { mode: 'digest', minSeverity: 'info' });
    const [outbound, ...rest] = messagesFor(c, [FDIS_42005, HEALTH_42006, BASELINE_42001], {
      ...OPTIONS,
      env: { SMTP_PASSWORD: PASSWORD },
      allowPrivateNetwork: true,
    });
    expect(rest).toEqual([]);
    expect(outbound!.itemIds).toEqual([FDIS_42005.id, HEALTH_42006.id]); // baseline is below info
    const transport = transportFor(c);
    try {
      expect(await send(outbound!, { http: undefined as never, emailTransport: () => transport })).toEqual({ ok: true });
    } finally {
      transport.close();
    }
    const { mail } = smtp.messages[0]!;
    expect(mail.subject).toBe('[regwatch] 2 changes: 1 major, 1 info');
    expect(mail.text!.split('\n\n').map((block) => block.split('\n')[0])).toEqual([
      '2 changes: 1 major, 1 info',
      'MAJOR: ISO/IEC FDIS 42005',
      'INFO: iso_42006',
    ]);
    expect(mail.headers.get('x-regwatch-delivery')).toMatch(/^compliance-mail:digest:[0-9a-f]{32}$/);
    expect(String(mail.html).match(/<h2/g)).toHaveLength(2);
  });

  it('nothing to send is no message', () => {
    expect(buildDigestEmail([], channel(25, { mode: 'digest' }), OPTIONS)).toBeUndefined();
  });
});

describe('no abstract can reach a message', () => {
  it('an item smuggling a scope field is refused before any message exists', () => {
    const smuggled = { ...FDIS_42005, scope: 'SCOPE-SENTINEL This document provides guidance' } as unknown as Item;
    const c = channel(25);
    expect(() => buildItemEmail(smuggled, c, OPTIONS)).toThrow(expect.objectContaining({ code: 'NOTIFY_BAD_ITEM' }));
    expect(() => buildDigestEmail([FDIS_42005, smuggled], c, OPTIONS)).toThrow(expect.objectContaining({ code: 'NOTIFY_BAD_ITEM' }));
  });
});

describe('SMTP outcomes', () => {
  it('a wrong password fails for good, and the password is not in the reason', async () => {
    const smtp = await startSmtp();
    const c = channel(smtp.port);
    const transport = createEmailTransport(c, 'wrong-password', { timeoutMs: 10_000 });
    try {
      const outcome = await sendEmail(buildItemEmail(FDIS_42005, c, OPTIONS), { transport, secrets: ['wrong-password'] });
      expect(outcome).toMatchObject({ ok: false, permanent: true, code: 'NOTIFY_SMTP_AUTH', status: 535 });
      expect(JSON.stringify(outcome)).not.toContain('wrong-password');
    } finally {
      transport.close();
    }
    expect(smtp.messages).toEqual([]);
  });

  it('a 5xx recipient refusal fails for good; a 4xx one is retried', async () => {
    let reply = 550;
    const smtp = await startSmtp({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error(reply === 550 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: reply }));
      },
    });
    const c = channel(smtp.port);
    const transport = transportFor(c);
    try {
      expect(await sendEmail(buildItemEmail(FDIS_42005, c, OPTIONS), { transport })).toMatchObject({
        ok: false,
        permanent: true,
        code: 'NOTIFY_SMTP_REJECTED',
      });
      reply = 451;
      expect(await sendEmail(buildItemEmail(FDIS_42005, c, OPTIONS), { transport })).toMatchObject({
        ok: false,
        permanent: false,
        code: 'NOTIFY_SMTP_TRANSIENT',
      });
    } finally {
      transport.close();
    }
  });

  it('with starttls required, a server that cannot upgrade gets no password and no message', async () => {
    const smtp = await startSmtp();
    const c = channel(smtp.port, { starttls: true });
    const transport = transportFor(c);
    try {
      expect(await sendEmail(buildItemEmail(FDIS_42005, c, OPTIONS), { transport })).toMatchObject({ ok: false, permanent: true, code: 'NOTIFY_SMTP_TLS' });
    } finally {
      transport.close();
    }
    expect(smtp.messages).toEqual([]);
  });

  it('a server that is not there is retried', async () => {
    const smtp = await startSmtp();
    const port = smtp.port;
    await servers.pop()!.close();
    const c = channel(port);
    const transport = transportFor(c);
    try {
      expect(await sendEmail(buildItemEmail(FDIS_42005, c, OPTIONS), { transport })).toMatchObject({ ok: false, permanent: false, code: 'NOTIFY_NETWORK' });
    } finally {
      transport.close();
    }
  });
});
