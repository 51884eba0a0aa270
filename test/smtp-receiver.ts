import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

// A loopback SMTP server (smtp-server) standing in for a mail relay: every message is parsed back
// with mailparser, so a test asserts what a mail client would show. Without credentials it offers
// no AUTH; with them it takes that one user over plain text (loopback only).

export interface SmtpReceiver {
  port: number;
  messages: Array<{ from: string | undefined; to: string[]; user: string | undefined; mail: ParsedMail }>;
  close(): Promise<void>;
}

export interface SmtpReceiverOptions {
  credentials?: { user: string; password: string };
  /** smtp-server options over these defaults (e.g. a size limit or an onRcptTo that refuses). */
  server?: Partial<SMTPServerOptions>;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: SmtpReceiver['messages'] = [];
  const { credentials } = options;
  const server = new SMTPServer({
    disabledCommands: credentials === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    allowInsecureAuth: credentials !== undefined,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials !== undefined && auth.username === credentials.user && auth.password === credentials.password)
        return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            mail,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    ...options.server,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
