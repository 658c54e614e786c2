/** Where to go after signing in: a path on this site only (`next=//evil.example` is no open redirect). */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

/** What the sign-in and sign-up pages read from their URL: `?next=%2Fme&expired=1`. */
export interface SignInSearch {
  /** Where to come back to once signed in. */
  next?: string;
  /** Present when the session ended by itself (the page says so). */
  expired?: string;
}

export const readSignInSearch = (raw: Record<string, unknown>): SignInSearch => ({
  next: typeof raw.next === 'string' ? raw.next : undefined,
  expired: typeof raw.expired === 'string' ? raw.expired : undefined,
});

/** The sign-in page's search pointing back at `next` (left out for the feed, the default). */
export const signInSearch = (next: string, expired = false): SignInSearch => ({ next: next === '/' ? undefined : next, expired: expired ? '1' : undefined });

export type FeedSort = 'popular' | 'for-you';

/** The feed's URL: `/` (latest), `/?sort=popular`, `/?sort=for-you`. */
export const readFeedSearch = (raw: Record<string, unknown>): { sort?: FeedSort } => ({
  sort: raw.sort === 'popular' || raw.sort === 'for-you' ? raw.sort : undefined,
});

/** What the account link pages read from their URL: `/verify-email?token=…`, `/reset-password?token=…`. */
export const readTokenSearch = (raw: Record<string, unknown>): { token?: string } => ({ token: typeof raw.token === 'string' ? raw.token : undefined });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The import page's URL: `/import?id=…` keeps an import's progress across reloads. */
export const readImportSearch = (raw: Record<string, unknown>): { id?: string } => ({ id: typeof raw.id === 'string' && UUID.test(raw.id) ? raw.id : undefined });

/** My uploads' URL: `/me?export=…` (the "export ready" email) shows that export. */
export const readExportSearch = (raw: Record<string, unknown>): { export?: string } => ({ export: typeof raw.export === 'string' && UUID.test(raw.export) ? raw.export : undefined });
