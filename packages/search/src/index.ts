import type { TokenVerifier } from '@glimpse/access-tokens';
import { createServiceRoutes, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { searchRouter, type SearchRouter } from './router';
import { createContextInner, type SearchDeps } from './trpc';

export { searchRouter, type SearchRouter } from './router';
export { createContextInner, type SearchContext, type SearchDeps } from './trpc';
export type SearchInputs = inferRouterInputs<SearchRouter>;
export type SearchOutputs = inferRouterOutputs<SearchRouter>;

export const SEARCH_PREFIX = '/api/search';

export function createSearchRoutes(deps: SearchDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  return createServiceRoutes({ router: searchRouter, prefix: SEARCH_PREFIX, context: (request) => createContextInner(deps, request), verifier, logger });
}
