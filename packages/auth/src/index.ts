import { JWKS_PATH, type TokenVerifier } from '@glimpse/access-tokens';
import { readRequestContext, sendJson, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { authRouter, type AuthRouter } from './router';
import { createContextInner, type AuthDeps } from './trpc';

export { authRouter, type AuthRouter, type User } from './router';
export { createContextInner, type AuthContext, type AuthDeps } from './trpc';
export type AuthInputs = inferRouterInputs<AuthRouter>;
export type AuthOutputs = inferRouterOutputs<AuthRouter>;

export const AUTH_PREFIX = '/api/auth';

/** The auth service's routes: its tRPC router and the JWKS other services verify with. */
export function createAuthRoutes(deps: AuthDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  const trpc = createHTTPHandler({
    router: authRouter,
    basePath: `${AUTH_PREFIX}/`,
    maxBodySize: 64 * 1024,
    createContext: async ({ req }) => createContextInner(deps, await readRequestContext(req, verifier, logger)),
  });
  return [
    { prefix: AUTH_PREFIX, handler: trpc },
    { prefix: JWKS_PATH, handler: async (_req, res) => sendJson(res, 200, await deps.signer.jwks()) },
  ];
}
