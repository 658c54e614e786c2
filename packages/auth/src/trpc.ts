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
  /** Password-reset requests per client address, and confirmation emails asked again per account (an error past the limit). */
  resetLimiter?: RateLimiter;
  /** Reset emails per inbox: past the limit a request gets the usual answer and no email. */
  resetInboxLimiter?: RateLimiter;
  /** ADMIN_EMAILS: accounts that are administrators from sign-up or their next sign-in (lower case). */
  adminEmails?: readonly string[];
  /** Publish queued work now (the verification and reset emails) rather than at the relay's next poll. */
  wakeRelay: () => void;
}

export type AuthContext = RequestContext & Required<AuthDeps> & {
  refreshCookie: RefreshCookie;
  /** The request's Accept-Language header: a new account's email language. */
  acceptLanguage?: string;
};

/** Pure: what tests call directly. */
export const createContextInner = (deps: Required<AuthDeps>, request: RequestContext, refreshCookie: RefreshCookie = noRefreshCookie, acceptLanguage?: string): AuthContext => ({
  ...deps,
  ...request,
  refreshCookie,
  acceptLanguage,
});

export const { router, publicProcedure, protectedProcedure } = createServiceTRPC<AuthContext>();
