import type { Database } from '@glimpse/database';
import type { TokenSigner } from '@glimpse/access-tokens';
import { noRefreshCookie, type RefreshCookie } from './refresh-cookie';
import { createServiceTRPC, type BackoffThrottle, type RateLimiter, type RequestContext } from '@glimpse/http-service';

export interface AuthDeps {
  db: Database;
  signer: TokenSigner;
  refreshTokenTtlDays: number;
  /** Counts sign-up and sign-in attempts per client address. */
  attemptLimiter: RateLimiter;
  /** Failed sign-ins per account and per address, with backoff (defaults: `defaultThrottles`). */
  accountFailures?: BackoffThrottle;
  addressFailures?: BackoffThrottle;
  /** Sign-ups per address over a longer window. */
  signupLimiter?: RateLimiter;
}

export type AuthContext = RequestContext & Required<AuthDeps> & { refreshCookie: RefreshCookie };

/** Pure: what tests call directly. */
export const createContextInner = (deps: Required<AuthDeps>, request: RequestContext, refreshCookie: RefreshCookie = noRefreshCookie): AuthContext => ({
  ...deps,
  ...request,
  refreshCookie,
});

export const { router, publicProcedure, protectedProcedure } = createServiceTRPC<AuthContext>();
