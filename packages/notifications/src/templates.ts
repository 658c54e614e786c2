import type { MessageLanguage } from '@glimpse/http-service';
import type { LikesReceived } from '@glimpse/images';
import type { NotificationPayload } from '@glimpse/job-queue';

/** Who a message is for, as the notifier reads them at send time. */
export interface Recipient {
  email: string;
  username: string;
  displayName: string | null;
  /** The language of their email (preferences, or the browser's at sign-up); English when unknown. */
  language?: MessageLanguage | null;
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
  language: MessageLanguage;
  subject: string;
  greeting: string;
  /** Paragraphs before and after the button. */
  before: string[];
  action?: { label: string; url: string };
  after: string[];
}

const OR_OPEN: Record<MessageLanguage, string> = { en: 'Or open this address:', de: 'Oder öffnen Sie diese Adresse:' };

/** One layout for every message: the plain-text part says the same as the HTML part, link included. */
function layout(body: Body): RenderedMessage {
  const text = [body.greeting, '', ...body.before.flatMap((p) => [p, '']), ...(body.action ? [`${body.action.label}: ${body.action.url}`, ''] : []), ...body.after.flatMap((p) => [p, '']), '— Glimpse'].join('\n');
  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const button = body.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(body.action.url)}" style="background:#2f5bea;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(body.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#555">${escapeHtml(OR_OPEN[body.language])} <a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.url)}</a></p>`
    : '';
  const html = `<!doctype html>
<html lang="${body.language}"><head><meta charset="utf-8"><title>${escapeHtml(body.subject)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1b1f;max-width:560px;margin:0 auto;padding:24px">
${paragraph(body.greeting)}
${body.before.map(paragraph).join('\n')}
${button}
${body.after.map(paragraph).join('\n')}
<p style="margin:32px 0 0;color:#555">— Glimpse</p>
</body></html>`;
  return { subject: body.subject, text, html };
}

/** What the notifier renders: a job's payload, and for a digest the likes it counts (read at send time). */
export type RenderInput = Exclude<NotificationPayload, { kind: 'likes-digest' }> | (Extract<NotificationPayload, { kind: 'likes-digest' }> & { likes: LikesReceived });

type Texts = (input: RenderInput, recipient: Recipient, options: RenderOptions) => Omit<Body, 'language'>;

const quoted = (title: string) => `"${title}"`;

const ENGLISH: Texts = (input, recipient, options) => {
  const greeting = `Hello ${recipient.displayName || recipient.username},`;
  switch (input.kind) {
    case 'verify-email':
      return {
        subject: 'Confirm your email address for Glimpse',
        greeting,
        before: [`Please confirm that ${recipient.email} is your address, so that you can get back into your account if you forget your password.`],
        action: { label: 'Confirm my address', url: appLink(options.publicUrl, '/verify-email', { token: input.token }) },
        after: ['The link works for 7 days. If you did not sign up for Glimpse, ignore this email; nothing happens without the link.'],
      };
    case 'password-reset':
      return {
        subject: 'Reset your Glimpse password',
        greeting,
        before: ['Someone (we hope you) asked to reset the password of your Glimpse account.'],
        action: { label: 'Choose a new password', url: appLink(options.publicUrl, '/reset-password', { token: input.token }) },
        after: [
          'The link works once, for one hour. Choosing a new password signs you out everywhere.',
          'If you did not ask for this, ignore this email: your password stays as it is.',
        ],
      };
    case 'upload-failed':
      return {
        subject: `Your upload ${input.title ? `${quoted(input.title)} ` : ''}failed`,
        greeting,
        before: [`${input.title ? quoted(input.title) : 'One of your photos'} could not be processed, so it is not shown anywhere.`, `The reason: ${input.reason}`],
        action: { label: 'See my uploads', url: appLink(options.publicUrl, '/me') },
        after: ['You can delete it there and upload the file again.'],
      };
    case 'likes-digest': {
      const { total, likers, images } = input.likes;
      return {
        subject: `Your photos got ${total} ${total === 1 ? 'like' : 'likes'} on ${input.day}`,
        greeting,
        before: [
          `On ${input.day} (UTC), ${likers === 1 ? 'one person' : `${likers} people`} liked your photos ${total === 1 ? 'once' : `${total} times`}.`,
          ...images.map((image) => `${image.title ? quoted(image.title) : 'Untitled'}: ${image.likes} ${image.likes === 1 ? 'like' : 'likes'}`),
        ],
        action: { label: 'See my photos', url: appLink(options.publicUrl, '/me') },
        after: ['You get this digest at most once a day. To stop it, turn off "Daily digest of likes" in your settings.'],
      };
    }
    case 'export-ready': {
      const expires = new Date(input.expiresAt);
      return {
        subject: 'Your Glimpse export is ready to download',
        greeting,
        before: [`The zip of your ${input.images === 1 ? 'photo' : `${input.images} photos`} (${formatSize(input.bytes)}) is ready: the originals as you uploaded them, each with a .json file of its title, description, tags, visibility and dates.`],
        action: { label: 'Download my export', url: appLink(options.publicUrl, '/me', { export: input.exportId }) },
        after: [`The download is kept until ${expires.toUTCString()}; after that it is deleted, and you can ask for a new one.`],
      };
    }
  }
};

const GERMAN: Texts = (input, recipient, options) => {
  const greeting = `Hallo ${recipient.displayName || recipient.username},`;
  switch (input.kind) {
    case 'verify-email':
      return {
        subject: 'Bestätigen Sie Ihre E-Mail-Adresse für Glimpse',
        greeting,
        before: [`Bitte bestätigen Sie, dass ${recipient.email} Ihre Adresse ist, damit Sie wieder in Ihr Konto kommen, falls Sie Ihr Passwort vergessen.`],
        action: { label: 'Adresse bestätigen', url: appLink(options.publicUrl, '/verify-email', { token: input.token }) },
        after: ['Der Link gilt 7 Tage. Wenn Sie sich nicht bei Glimpse angemeldet haben, ignorieren Sie diese E-Mail; ohne den Link geschieht nichts.'],
      };
    case 'password-reset':
      return {
        subject: 'Setzen Sie Ihr Glimpse-Passwort zurück',
        greeting,
        before: ['Jemand (hoffentlich Sie) hat darum gebeten, das Passwort Ihres Glimpse-Kontos zurückzusetzen.'],
        action: { label: 'Neues Passwort wählen', url: appLink(options.publicUrl, '/reset-password', { token: input.token }) },
        after: [
          'Der Link funktioniert einmal und eine Stunde lang. Mit einem neuen Passwort werden Sie überall abgemeldet.',
          'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.',
        ],
      };
    case 'upload-failed':
      return {
        subject: `Ihr Upload ${input.title ? `${quoted(input.title)} ` : ''}ist fehlgeschlagen`,
        greeting,
        before: [`${input.title ? quoted(input.title) : 'Eines Ihrer Fotos'} konnte nicht verarbeitet werden und wird deshalb nirgends gezeigt.`, `Der Grund: ${input.reason}`],
        action: { label: 'Meine Uploads ansehen', url: appLink(options.publicUrl, '/me') },
        after: ['Dort können Sie es löschen und die Datei erneut hochladen.'],
      };
    case 'likes-digest': {
      const { total, likers, images } = input.likes;
      return {
        subject: `Ihre Fotos bekamen am ${input.day} ${total} ${total === 1 ? 'Like' : 'Likes'}`,
        greeting,
        before: [
          `Am ${input.day} (UTC) ${likers === 1 ? 'hat eine Person' : `haben ${likers} Personen`} Ihre Fotos ${total === 1 ? 'einmal' : `${total}-mal`} mit „Gefällt mir“ markiert.`,
          ...images.map((image) => `${image.title ? quoted(image.title) : 'Ohne Titel'}: ${image.likes} ${image.likes === 1 ? 'Like' : 'Likes'}`),
        ],
        action: { label: 'Meine Fotos ansehen', url: appLink(options.publicUrl, '/me') },
        after: ['Diese Zusammenfassung kommt höchstens einmal am Tag. Abbestellen: „Tägliche Zusammenfassung der Likes“ in Ihren Einstellungen ausschalten.'],
      };
    }
    case 'export-ready': {
      const expires = new Date(input.expiresAt);
      return {
        subject: 'Ihr Glimpse-Export steht zum Herunterladen bereit',
        greeting,
        before: [`Das Zip ${input.images === 1 ? 'Ihres Fotos' : `Ihrer ${input.images} Fotos`} (${formatSize(input.bytes)}) ist fertig: die Originale, wie Sie sie hochgeladen haben, jedes mit einer .json-Datei mit Titel, Beschreibung, Tags, Sichtbarkeit und Daten.`],
        action: { label: 'Meinen Export herunterladen', url: appLink(options.publicUrl, '/me', { export: input.exportId }) },
        after: [`Der Download bleibt bis ${expires.toUTCString()} erhalten; danach wird er gelöscht, und Sie können einen neuen anfordern.`],
      };
    }
  }
};

const TEXTS: Record<MessageLanguage, Texts> = { en: ENGLISH, de: GERMAN };

/** The message for one notification, in the recipient's language (English when it is unknown). */
export function renderMessage(input: RenderInput, recipient: Recipient, options: RenderOptions): RenderedMessage {
  const language = recipient.language ?? 'en';
  return layout({ language, ...TEXTS[language](input, recipient, options) });
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
