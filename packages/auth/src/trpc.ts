import type { Database } from '@glimpse/database';
import type { TokenSigner } from '@glimpse/access-tokens';
import { formatApiError, mapDomainErrors, requireViewer, type BackoffThrottle, type RateLimiter, type RequestContext } from '@glimpse/http-service';
import { initTRPC } from '@trpc/server';

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

export type AuthContext = RequestContext & Required<AuthDeps>;

/** Pure: what tests call directly. */
export const createContextInner = (deps: Required<AuthDeps>, request: RequestContext): AuthContext => ({ ...deps, ...request });

const t = initTRPC.context<AuthContext>().create({ errorFormatter: formatApiError, isDev: false });

export const router = t.router;
export const publicProcedure = t.procedure.use(mapDomainErrors);
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { ...ctx, viewer: requireViewer(ctx.viewer) } }));
