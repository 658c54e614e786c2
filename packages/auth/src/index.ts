import { JWKS_PATH, type TokenVerifier } from '@glimpse/access-tokens';
import { createBackoffThrottle, createRateLimiter, createServiceRoutes, sendJson, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { authRouter, type AuthRouter } from './router';
import { createContextInner, type AuthDeps } from './trpc';
import { refreshCookieOf } from './refresh-cookie';

export { authRouter, type AuthRouter, type User } from './router';
export { createContextInner, type AuthContext, type AuthDeps } from './trpc';
export { COOKIE_MODE_HEADER, REFRESH_COOKIE } from './refresh-cookie';
export { rejectInactiveAccounts } from './active-accounts';
export type AuthInputs = inferRouterInputs<AuthRouter>;
export type AuthOutputs = inferRouterOutputs<AuthRouter>;

export const AUTH_PREFIX = '/api/auth';

/** The auth service's routes: its tRPC router and the JWKS other services verify with. */
export function createAuthRoutes(options: AuthDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  const deps = { ...defaultThrottles(), ...options };
  return [
    ...createServiceRoutes({ router: authRouter, prefix: AUTH_PREFIX, context: (request, req, res) => createContextInner(deps, request, refreshCookieOf(req, res), req.headers['accept-language']), verifier, logger }),
    { prefix: JWKS_PATH, handler: async (_req, res) => sendJson(res, 200, await deps.signer.jwks()) },
  ];
}

/**
 * Password guessing: after 5 failures an account waits 1 s, then 2, 4, … up to 15 minutes
 * between attempts; an address gets 20 free failures (a shared office) on the same curve.
 * Sign-ups: at most 50 an hour from one address, on top of the per-minute attempt limit.
 * Password resets: 10 requests an hour from one address, 3 emails an hour to one inbox.
 */
export function defaultThrottles() {
  return {
    accountFailures: createBackoffThrottle({ freeFailures: 5, baseMs: 1_000, maxMs: 15 * 60_000 }),
    addressFailures: createBackoffThrottle({ freeFailures: 20, baseMs: 1_000, maxMs: 15 * 60_000 }),
    signupLimiter: createRateLimiter({ limit: 50, windowMs: 3_600_000 }),
    resetLimiter: createRateLimiter({ limit: 10, windowMs: 3_600_000 }),
    resetInboxLimiter: createRateLimiter({ limit: 3, windowMs: 3_600_000 }),
    adminEmails: [] as readonly string[],
  };
}
