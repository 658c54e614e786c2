/** The email capability: SMTP in production, files under the data directory embedded. */

export interface MailMessage {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The Message-ID header, without angle brackets: stable per notification, so a receiver could spot a duplicate. */
  messageId: string;
}

export interface SentMail {
  /** The Message-ID the message went out with. */
  messageId: string;
  /** Where it went: the SMTP server's answer, or the file it was written to. */
  location: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'files';
  /** Resolves once the SMTP server accepted the message (or the file is on disk); throws otherwise, so the job is retried. */
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}
