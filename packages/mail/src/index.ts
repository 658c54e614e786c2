import { join } from 'node:path';
import { createFileTransport } from './files';
import type { MailTransport } from './mail-transport';
import { createSmtpTransport } from './smtp';

export type { MailMessage, MailTransport, SentMail } from './mail-transport';
export { createFileTransport } from './files';
export { createSmtpTransport, type SmtpSettings } from './smtp';

export interface MailSettings {
  /** SMTP_URL; files under `dataDir/mail` when absent. */
  smtpUrl?: string;
  smtpUser?: string;
  smtpPassword?: string;
  dataDir: string;
}

export function openMailTransport(settings: MailSettings): MailTransport {
  if (settings.smtpUrl) return createSmtpTransport({ url: settings.smtpUrl, user: settings.smtpUser, password: settings.smtpPassword });
  return createFileTransport(join(settings.dataDir, 'mail'));
}
