import nodemailer from 'nodemailer';
import type { MailMessage, MailTransport, SentMail } from './mail-transport';

export interface SmtpSettings {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465 (TLS from the start). */
  url: string;
  /** Override the credentials in the URL (they usually come from a Secret). */
  user?: string;
  password?: string;
}

/** Sends over SMTP with nodemailer; one connection per message, so a server restart needs no reconnect logic. */
export function createSmtpTransport(settings: SmtpSettings): MailTransport {
  const url = new URL(settings.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`SMTP_URL: expected smtp:// or smtps:// (got ${url.protocol}//)`);
  const user = settings.user ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = settings.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: user ? { user, pass: password ?? '' } : undefined,
    // A server that does not answer must fail the attempt (and retry it later), not hang the worker.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: 'smtp',
    async send(message: MailMessage): Promise<SentMail> {
      const info = await transporter.sendMail({ ...message, messageId: `<${message.messageId}>` });
      return { messageId: message.messageId, location: `${url.host}: ${info.response}` };
    },
    close: () => transporter.close(),
  };
}
