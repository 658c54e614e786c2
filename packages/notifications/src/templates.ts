import type { NotificationPayload } from '@glimpse/job-queue';

/** Who a message is for, as the notifier reads them at send time. */
export interface Recipient {
  email: string;
  username: string;
  displayName: string | null;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /** The site's external URL (PUBLIC_URL); links are built from it. */
  publicUrl: string;
}

/** A page of the web app under `publicUrl` (which may itself carry a path), with its query. */
export function appLink(publicUrl: string, path: string, query: Record<string, string> = {}): string {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  const url = new URL(path.replace(/^\//, ''), base);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

interface Body {
  subject: string;
  greeting: string;
  /** Paragraphs before and after the button. */
  before: string[];
  action?: { label: string; url: string };
  after: string[];
}

/** One layout for every message: the plain-text part says the same as the HTML part, link included. */
function layout(body: Body): RenderedMessage {
  const text = [body.greeting, '', ...body.before.flatMap((p) => [p, '']), ...(body.action ? [`${body.action.label}: ${body.action.url}`, ''] : []), ...body.after.flatMap((p) => [p, '']), '— Glimpse'].join('\n');
  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const button = body.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(body.action.url)}" style="background:#2f5bea;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(body.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#555">Or open this address: <a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.url)}</a></p>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(body.subject)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1b1f;max-width:560px;margin:0 auto;padding:24px">
${paragraph(body.greeting)}
${body.before.map(paragraph).join('\n')}
${button}
${body.after.map(paragraph).join('\n')}
<p style="margin:32px 0 0;color:#555">— Glimpse</p>
</body></html>`;
  return { subject: body.subject, text, html };
}

/** The message for one notification, in English (the only language so far). */
export function renderMessage(payload: NotificationPayload, recipient: Recipient, options: RenderOptions): RenderedMessage {
  const greeting = `Hello ${recipient.displayName || recipient.username},`;
  switch (payload.kind) {
    case 'verify-email':
      return layout({
        subject: 'Confirm your email address for Glimpse',
        greeting,
        before: [`Please confirm that ${recipient.email} is your address, so that you can get back into your account if you forget your password.`],
        action: { label: 'Confirm my address', url: appLink(options.publicUrl, '/verify-email', { token: payload.token }) },
        after: ['The link works for 7 days. If you did not sign up for Glimpse, ignore this email; nothing happens without the link.'],
      });
    case 'password-reset':
      return layout({
        subject: 'Reset your Glimpse password',
        greeting,
        before: ['Someone (we hope you) asked to reset the password of your Glimpse account.'],
        action: { label: 'Choose a new password', url: appLink(options.publicUrl, '/reset-password', { token: payload.token }) },
        after: [
          'The link works once, for one hour. Choosing a new password signs you out everywhere.',
          'If you did not ask for this, ignore this email: your password stays as it is.',
        ],
      });
    case 'upload-failed': {
      const name = payload.title ? `"${payload.title}"` : 'One of your photos';
      return layout({
        subject: `Your upload ${payload.title ? `"${payload.title}" ` : ''}failed`,
        greeting,
        before: [`${name} could not be processed, so it is not shown anywhere.`, `The reason: ${payload.reason}`],
        action: { label: 'See my uploads', url: appLink(options.publicUrl, '/me') },
        after: ['You can delete it there and upload the file again.'],
      });
    }
    case 'export-ready': {
      const expires = new Date(payload.expiresAt);
      return layout({
        subject: 'Your Glimpse export is ready to download',
        greeting,
        before: [`The zip of your ${payload.images === 1 ? 'photo' : `${payload.images} photos`} (${formatSize(payload.bytes)}) is ready: the originals as you uploaded them, each with a .json file of its title, description, tags, visibility and dates.`],
        action: { label: 'Download my export', url: appLink(options.publicUrl, '/me', { export: payload.exportId }) },
        after: [`The download is kept until ${expires.toUTCString()}; after that it is deleted, and you can ask for a new one.`],
      });
    }
  }
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** The one line the bell shows for an in-app notification, and where it leads. */
export function describeInApp(kind: string, data: Record<string, unknown>): { message: string; path: string } {
  if (kind === 'upload-failed') {
    const title = typeof data.title === 'string' && data.title ? `"${data.title}"` : 'A photo';
    return { message: `${title} could not be processed: ${String(data.reason ?? 'unknown reason')}`, path: '/me' };
  }
  if (kind === 'export-ready') {
    const images = Number(data.images ?? 0);
    return { message: `Your export of ${images === 1 ? '1 photo' : `${images} photos`} is ready to download`, path: `/me?export=${String(data.exportId ?? '')}` };
  }
  return { message: kind, path: '/' };
}
