import type { TokenVerifier } from '@glimpse/access-tokens';
import { createServiceRoutes, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { adminRouter, type AdminRouter } from './router';
import { createContextInner, type AdminDeps } from './trpc';

/** The operators' API (`/api/admin`): users (search, disable, make admin), images by status, queues and dead letters, top tags, the moderation queue. */
export { adminRouter, type AdminRouter } from './router';
export { createContextInner, type AdminContext, type AdminDeps } from './trpc';
export type AdminInputs = inferRouterInputs<AdminRouter>;
export type AdminOutputs = inferRouterOutputs<AdminRouter>;

export const ADMIN_PREFIX = '/api/admin';

export function createAdminRoutes(deps: AdminDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  return createServiceRoutes({ router: adminRouter, prefix: ADMIN_PREFIX, context: (request) => createContextInner(deps, request), verifier, logger });
}
