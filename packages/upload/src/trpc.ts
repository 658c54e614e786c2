import type { Database } from '@glimpse/database';
import type { ImageCatalogue } from '@glimpse/images';
import { formatApiError, mapDomainErrors, requireViewer, type RateLimiter, type RequestContext, type TokenBucket } from '@glimpse/http-service';
import type { ObjectStorage } from '@glimpse/object-storage';
import { initTRPC } from '@trpc/server';

export interface UploadDeps {
  db: Database;
  storage: ObjectStorage;
  buckets: { unprocessed: string; processed: string };
  catalogue: ImageCatalogue;
  /** Nudges the outbox relay after a commit that queued work. */
  wakeRelay: () => void;
  /** Per file (`maxBytes`, `maxPixels`) and per user (`quotaBytes` of originals kept). */
  limits: { maxBytes: number; maxPixels: number; quotaBytes: number };
  /** Uploads per user and window. */
  uploadLimiter: RateLimiter;
  /** Uploads per user at once and per minute after that (the ingress counts the same way). */
  uploadBurst?: TokenBucket;
}

export type UploadContext = RequestContext & UploadDeps;

export const createContextInner = (deps: UploadDeps, request: RequestContext): UploadContext => ({ ...deps, ...request });

const t = initTRPC.context<UploadContext>().create({ errorFormatter: formatApiError, isDev: false });

export const router = t.router;
export const publicProcedure = t.procedure.use(mapDomainErrors);
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { ...ctx, viewer: requireViewer(ctx.viewer) } }));
