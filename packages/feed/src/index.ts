import type { TokenVerifier } from '@glimpse/access-tokens';
import { createServiceRoutes, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { feedRouter, type FeedRouter } from './router';
import { createAnonymousViews } from './anonymous-views';
import { createContextInner, type FeedDeps } from './trpc';

export { feedRouter, type FeedRouter } from './router';
export { createContextInner, type FeedContext, type FeedDeps } from './trpc';
export type FeedInputs = inferRouterInputs<FeedRouter>;
export type FeedOutputs = inferRouterOutputs<FeedRouter>;

export const FEED_PREFIX = '/api/feed';

/** The feed's reads an anonymous visitor makes most: the same answer for everyone without a token. */
export const ANONYMOUS_CACHED_READS = ['latest', 'popular', 'image', 'user', 'similar'] as const;

/** `anonymousCacheMs`: how long those answers are reused (ANONYMOUS_CACHE_MS; 0 = never). */
export function createFeedRoutes(options: FeedDeps, verifier: TokenVerifier, logger: Logger, anonymousCacheMs = 0): Route[] {
  const deps = { anonymousViews: createAnonymousViews(), ...options };
  return createServiceRoutes({
    router: feedRouter,
    prefix: FEED_PREFIX,
    context: (request) => createContextInner(deps, request),
    verifier,
    logger,
    anonymousReadCache: { procedures: ANONYMOUS_CACHED_READS, ttlMs: anonymousCacheMs },
  });
}
