import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  receivedAt: number;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server, from the nodemailer authors) that keeps what
 * it receives: what the notifier talks to in tests. `stop()` closes the port, so SMTP is
 * really down; `start()` again on the same port brings it back.
 */
export class SmtpCapture {
  readonly messages: CapturedMail[] = [];
  private server?: SMTPServer;
  private waiters: Array<() => void> = [];
  port = 0;

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      closeTimeout: 1_000,
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (parsed) => {
            this.messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              receivedAt: Date.now(),
            });
            for (const wake of this.waiters.splice(0)) wake();
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages to `to`, optionally only those whose subject matches. */
  to(to: string, subject?: RegExp): CapturedMail[] {
    return this.messages.filter((message) => message.to.includes(to) && (!subject || subject.test(message.subject)));
  }

  /** Waits until `count` messages to `to` (matching `subject`) have arrived, and returns them. */
  async waitFor(to: string, subject?: RegExp, { count = 1, timeoutMs = 20_000 } = {}): Promise<CapturedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(to, subject);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${count} email(s) to ${to}${subject ? ` matching ${subject}` : ''} within ${timeoutMs} ms (got ${found.length}; all: ${this.messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ') || 'none'})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export const startSmtpCapture = (port = 0) => new SmtpCapture().start(port);

/** The first link in a message's text with a `token` query parameter. */
export function linkIn(mail: Pick<CapturedMail, 'text'>): URL {
  const match = mail.text.match(/https?:\/\/\S+[?&]token=[\w-]+/);
  if (!match) throw new Error(`no link with a token in: ${mail.text}`);
  return new URL(match[0]);
}
