import type { Database } from '@glimpse/database';
import type { Job, JobHandler, NotificationKind, NotificationPayload } from '@glimpse/job-queue';
import { likesReceived } from '@glimpse/images';
import type { Logger } from '@glimpse/logging';
import type { MailTransport } from '@glimpse/mail';
import { inAppNotifications, recipients, sentMessages } from './store';
import { dayWindow } from './likes-digest';
import { renderMessage, type RenderInput } from './templates';

export interface NotifierDeps {
  db: Database;
  transport: MailTransport;
  /** MAIL_FROM. */
  from: string;
  /** PUBLIC_URL, where the links in messages point. */
  publicUrl: string;
  logger: Logger;
}

/** Kinds that also appear under the bell in the app. */
const IN_APP: ReadonlySet<NotificationKind> = new Set(['upload-failed', 'export-ready']);

/**
 * The `notifications` job. Idempotent: the sent-message ledger is keyed by the notification's
 * id (chosen when the job was written), so a redelivered job, or one the outbox published
 * twice, is acknowledged without sending. A refused or unreachable SMTP server throws, so
 * the queue retries with backoff and dead-letters after MAIL_MAX_ATTEMPTS. The one window
 * left is a crash between the server accepting the message and the ledger row committing:
 * then the message is sent again, with the same Message-ID (at-least-once, as promised).
 */
export function createNotificationHandler(deps: NotifierDeps): JobHandler<NotificationPayload> {
  const host = new URL(deps.publicUrl).hostname || 'glimpse.local';
  return async (job: Job<NotificationPayload>) => {
    const payload = job.payload;
    const logger = deps.logger.child({ notificationId: payload.notificationId, kind: payload.kind, userId: payload.userId, jobId: job.id, attempt: job.attempt });
    if (await sentMessages.wasSent(deps.db, payload.notificationId)) return logger.info('notifier: already sent; nothing to do');
    const recipient = await recipients.find(deps.db, payload.userId);
    if (!recipient) return logger.info('notifier: the account no longer exists; nothing to send');
    if ('expiresAt' in payload && Date.parse(payload.expiresAt) <= Date.now()) return logger.info('notifier: the link expired before it could be sent; not sending it');
    if (payload.kind === 'verify-email' && recipient.verified) return logger.info('notifier: the address is already confirmed; not sending');

    if (IN_APP.has(payload.kind)) {
      const { notificationId: _id, userId: _user, kind: _kind, ...data } = payload;
      await inAppNotifications.add(deps.db, { id: payload.notificationId, userId: payload.userId, kind: payload.kind, data });
    }
    if (payload.kind === 'upload-failed' && !recipient.uploadFailedEmail) return logger.info('notifier: the user turned off emails about failed uploads; shown under the bell only');

    let input: RenderInput;
    if (payload.kind === 'likes-digest') {
      // Read at send time: the preference may have been turned off, and likes taken back, since the job was queued.
      if (!recipient.likesDigest) return logger.info('notifier: the user turned off the likes digest; not sending');
      const { from, to } = dayWindow(payload.day);
      const likes = await likesReceived.of(deps.db, payload.userId, from, to);
      if (likes.total === 0) return logger.info('notifier: the day\'s likes were all taken back; no digest');
      input = { ...payload, likes };
    } else input = payload;

    const message = renderMessage(input, recipient, { publicUrl: deps.publicUrl });
    try {
      const sent = await deps.transport.send({ ...message, to: recipient.email, from: deps.from, messageId: `${payload.notificationId}@${host}` });
      await sentMessages.record(deps.db, { notificationId: payload.notificationId, kind: payload.kind, recipient: recipient.email, transport: deps.transport.kind, messageId: sent.messageId });
      if (deps.transport.kind === 'files') logger.info({ path: sent.location }, `notifier: no SMTP_URL, so the email was written to ${sent.location}`);
      else logger.info({ server: sent.location }, 'notifier: email sent');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (job.isLastAttempt) logger.error({ reason }, `notifier: sending failed ${job.attempt} times; the job goes to the dead letters (redrive it once the mail server is back)`);
      else logger.warn({ reason }, 'notifier: sending failed; will retry');
      throw error;
    }
  };
}
