import type { Database } from '@glimpse/database';
import type { ImageCatalogue, UrlSigner } from '@glimpse/images';
import { createServiceTRPC, type RateLimiter, type RequestContext, type TokenBucket } from '@glimpse/http-service';
import type { ObjectStorage } from '@glimpse/object-storage';

export interface UploadDeps {
  db: Database;
  storage: ObjectStorage;
  buckets: { unprocessed: string; processed: string };
  catalogue: ImageCatalogue;
  /** Nudges the outbox relay after a commit that queued work. */
  wakeRelay: () => void;
  /** Per file (`maxBytes`, `maxPixels`) and per user (`quotaBytes` of originals kept). */
  limits: { maxBytes: number; maxPixels: number; quotaBytes: number; importMaxBytes?: number };
  /** Signs export download links. */
  urlSigner: UrlSigner;
  /** Uploads per user and window. */
  uploadLimiter: RateLimiter;
  /** Uploads per user at once and per minute after that (the ingress counts the same way). */
  uploadBurst?: TokenBucket;
  /** REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD: no uploads from an account whose address is not confirmed. */
  requireVerifiedEmail?: boolean;
}

export type UploadContext = RequestContext & UploadDeps;

export const createContextInner = (deps: UploadDeps, request: RequestContext): UploadContext => ({ ...deps, ...request });

export const { router, protectedProcedure } = createServiceTRPC<UploadContext>();
