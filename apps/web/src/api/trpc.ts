import type { AdminRouter } from '@glimpse/admin';
import type { AuthRouter } from '@glimpse/auth';
import type { FeedRouter } from '@glimpse/feed';
import type { NotificationsRouter } from '@glimpse/notifications';
import type { SearchRouter } from '@glimpse/search';
import type { UploadRouter } from '@glimpse/upload';
import { createTRPCClient, httpLink, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { session } from './session';

/** Procedures whose UNAUTHORIZED means "wrong credentials", not "access token expired". */
const CREDENTIAL_PROCEDURES = new Set(['signup', 'login', 'refresh', 'logout']);

interface AuthContext extends Record<string, unknown> {
  sentAccessToken?: string | null;
  retried?: boolean;
}

const isUnauthorized = (error: { data?: unknown }) => (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';

/**
 * Sends the access token, and when the server refuses it, renews the session once and
 * retries the call; if renewing fails the error goes through (and the app asks to sign in).
 */
function renewingAuthLink<TRouter extends AnyRouter>(): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let unsubscribed = false;
        const send = (retried: boolean) => {
          const sentAccessToken = session.current()?.accessToken ?? null;
          return next({ ...op, context: { ...op.context, sentAccessToken, retried } satisfies AuthContext }).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              const mayRenew = !retried && sentAccessToken !== null && isUnauthorized(error) && !CREDENTIAL_PROCEDURES.has(op.path);
              if (!mayRenew) return observer.error(error);
              session.renewAfterRejection(sentAccessToken).then(
                (renewed) => {
                  if (unsubscribed) return;
                  if (renewed) subscription = send(true);
                  else observer.error(error);
                },
                () => observer.error(error),
              );
            },
          });
        };
        let subscription = send(false);
        return () => {
          unsubscribed = true;
          subscription.unsubscribe();
        };
      });
}

function createServiceClient<TRouter extends AnyRouter>(prefix: string) {
  return createTRPCClient<TRouter>({
    links: [
      renewingAuthLink<TRouter>(),
      httpLink<AnyRouter>({
        url: prefix,
        headers: ({ op }): Record<string, string> => {
          const token = (op.context as AuthContext).sentAccessToken;
          // The refresh token goes into an HttpOnly cookie, never into script's reach.
          const cookieMode = { 'X-Glimpse-Refresh': 'cookie' };
          return token ? { ...cookieMode, Authorization: `Bearer ${token}` } : cookieMode;
        },
      }),
    ],
  });
}

export const auth = createServiceClient<AuthRouter>('/api/auth');
export const upload = createServiceClient<UploadRouter>('/api/upload');
export const feed = createServiceClient<FeedRouter>('/api/feed');
export const search = createServiceClient<SearchRouter>('/api/search');
export const notifications = createServiceClient<NotificationsRouter>('/api/notifications');
export const admin = createServiceClient<AdminRouter>('/api/admin');
