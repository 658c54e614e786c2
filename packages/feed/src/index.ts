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

export function createFeedRoutes(options: FeedDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  const deps = { anonymousViews: createAnonymousViews(), ...options };
  return createServiceRoutes({ router: feedRouter, prefix: FEED_PREFIX, context: (request) => createContextInner(deps, request), verifier, logger });
}
