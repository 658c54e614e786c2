import type { TokenVerifier } from '@glimpse/access-tokens';
import { readRequestContext, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { feedRouter, type FeedRouter } from './router';
import { createContextInner, type FeedDeps } from './trpc';

export { feedRouter, type FeedRouter } from './router';
export { createContextInner, type FeedContext, type FeedDeps } from './trpc';
export type FeedInputs = inferRouterInputs<FeedRouter>;
export type FeedOutputs = inferRouterOutputs<FeedRouter>;

export const FEED_PREFIX = '/api/feed';

export function createFeedRoutes(deps: FeedDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  const handler = createHTTPHandler({
    router: feedRouter,
    basePath: `${FEED_PREFIX}/`,
    maxBodySize: 64 * 1024,
    createContext: async ({ req }) => createContextInner(deps, await readRequestContext(req, verifier, logger)),
  });
  return [{ prefix: FEED_PREFIX, handler }];
}
