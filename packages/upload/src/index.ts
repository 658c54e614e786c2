import type { TokenVerifier } from '@glimpse/access-tokens';
import { readRequestContext, type Route } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { uploadRouter, type UploadRouter } from './router';
import { createContextInner, type UploadDeps } from './trpc';

export { uploadRouter, type UploadRouter } from './router';
export { createContextInner, type UploadContext, type UploadDeps } from './trpc';
export type UploadInputs = inferRouterInputs<UploadRouter>;
export type UploadOutputs = inferRouterOutputs<UploadRouter>;

export const UPLOAD_PREFIX = '/api/upload';
/** Room for the multipart envelope and text fields around the largest allowed file. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;

export function createUploadRoutes(deps: UploadDeps, verifier: TokenVerifier, logger: Logger): Route[] {
  const handler = createHTTPHandler({
    router: uploadRouter,
    basePath: `${UPLOAD_PREFIX}/`,
    maxBodySize: deps.limits.maxBytes + FORM_OVERHEAD_BYTES,
    createContext: async ({ req }) => createContextInner(deps, await readRequestContext(req, verifier, logger)),
  });
  return [{ prefix: UPLOAD_PREFIX, handler }];
}
