import type { AdminRouter } from '@glimpse/admin';
import type { AuthRouter } from '@glimpse/auth';
import type { FeedRouter } from '@glimpse/feed';
import type { NotificationsRouter } from '@glimpse/notifications';
import type { SearchRouter } from '@glimpse/search';
import type { UploadRouter } from '@glimpse/upload';
import { QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { admin, auth, feed, notifications, search, upload } from './trpc';

const MAX_RETRIES = 3;

interface ErrorData {
  code?: string;
  httpStatus?: number;
  /** Seconds, on TOO_MANY_REQUESTS (from the service or the ingress). */
  retryAfter?: number;
}

const errorData = (error: unknown): ErrorData | undefined => (error instanceof TRPCClientError ? ((error.data ?? undefined) as ErrorData | undefined) : undefined);

/** Asking again can help when the network failed, the server failed, or it asked us to slow down; not for a clear "no". */
function worthRetrying(failures: number, error: unknown): boolean {
  if (failures >= MAX_RETRIES) return false;
  const data = errorData(error);
  if (!data) return true;
  return data.code === 'TOO_MANY_REQUESTS' || (data.httpStatus ?? 0) >= 500;
}

/** A 429 is retried after the Retry-After it carried; everything else backs off 1 s, 2 s, 4 s. */
function retryDelay(failures: number, error: unknown): number {
  const data = errorData(error);
  if (data?.code === 'TOO_MANY_REQUESTS') return Math.max(0, data.retryAfter ?? 1) * 1000 + Math.random() * 250;
  return Math.min(1000 * 2 ** failures, 10_000);
}

/** The one cache of everything the app has fetched: pages share it, mutations update and invalidate it. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Coming back to a page within this time shows it from memory without asking again.
      staleTime: 30_000,
      retry: worthRetrying,
      retryDelay,
    },
  },
});

/**
 * Query and mutation options for each service, typed from its router. Keys are prefixed with
 * the service's name, so `trpc.feed.pathFilter()` names every feed query at once.
 */
export const trpc = {
  auth: createTRPCOptionsProxy<AuthRouter, { keyPrefix: true }>({ client: auth, queryClient, keyPrefix: 'auth' }),
  upload: createTRPCOptionsProxy<UploadRouter, { keyPrefix: true }>({ client: upload, queryClient, keyPrefix: 'upload' }),
  feed: createTRPCOptionsProxy<FeedRouter, { keyPrefix: true }>({ client: feed, queryClient, keyPrefix: 'feed' }),
  search: createTRPCOptionsProxy<SearchRouter, { keyPrefix: true }>({ client: search, queryClient, keyPrefix: 'search' }),
  notifications: createTRPCOptionsProxy<NotificationsRouter, { keyPrefix: true }>({ client: notifications, queryClient, keyPrefix: 'notifications' }),
  admin: createTRPCOptionsProxy<AdminRouter, { keyPrefix: true }>({ client: admin, queryClient, keyPrefix: 'admin' }),
};
