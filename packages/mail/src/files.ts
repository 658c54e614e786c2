import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailMessage, MailTransport, SentMail } from './mail-transport';

/**
 * Without SMTP_URL: each message is written as an .eml file (what an SMTP server would have
 * received, headers and both parts) so nothing is lost and a developer can open it in any
 * mail client. Written to a temporary name and renamed, so a reader never sees half a file.
 */
export function createFileTransport(directory: string): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'files',
    async send(message: MailMessage): Promise<SentMail> {
      const info = await composer.sendMail({ ...message, messageId: `<${message.messageId}>` });
      mkdirSync(directory, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const path = join(directory, `${stamp}-${message.messageId.split('@')[0]}.eml`);
      writeFileSync(`${path}.tmp`, info.message as Buffer);
      renameSync(`${path}.tmp`, path);
      return { messageId: message.messageId, location: path };
    },
    close: () => {},
  };
}
