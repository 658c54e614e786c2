import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenVerifier } from '@glimpse/access-tokens';
import type { Logger } from '@glimpse/logging';
import { initTRPC, type AnyRouter, type inferRouterContext } from '@trpc/server';
import type { Route } from './server';
import { formatApiError, mapDomainErrors, readRequestContext, requireViewer, type RequestContext } from './trpc-edge';
import type { AnonymousReadCacheOptions } from './anonymous-read-cache';
import { createTrpcHandler } from './trpc-handler';

/**
 * The tRPC setup every service shares: one error formatter (a message a person can act on,
 * the failing field, never a stack), domain errors mapped at this edge, and a protected
 * procedure that requires a signed-in viewer.
 */
export function createServiceTRPC<Context extends RequestContext>() {
  const options = { errorFormatter: formatApiError, isDev: false as const };
  // The options are checked against the base context; TypeScript cannot resolve tRPC's
  // shape check for a generic `Context` itself, hence the explicit type argument.
  const t = initTRPC.context<Context>().create<typeof options>(options as never);
  const publicProcedure = t.procedure.use(mapDomainErrors);
  const protectedProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { ...ctx, viewer: requireViewer(ctx.viewer) } }));
  return { router: t.router, publicProcedure, protectedProcedure, createCallerFactory: t.createCallerFactory };
}

export interface ServiceRoutesOptions<TRouter extends AnyRouter> {
  router: TRouter;
  /** Where the router is mounted, e.g. `/api/feed`. */
  prefix: string;
  /** The pure half of the context (what procedure tests call): the service's dependencies and the request. */
  context: (request: RequestContext, req: IncomingMessage, res: ServerResponse) => inferRouterContext<TRouter>;
  verifier: TokenVerifier;
  logger: Logger;
  /** Larger body caps for the procedures that need them (uploads). */
  bodyLimits?: Readonly<Record<string, number>>;
  /** Anonymous answers of these queries reused for up to a second. */
  anonymousReadCache?: AnonymousReadCacheOptions;
}

/** A service's routes: its router over HTTP, with the request's viewer, id and address read once here. */
export function createServiceRoutes<TRouter extends AnyRouter>(options: ServiceRoutesOptions<TRouter>): Route[] {
  const handler = createTrpcHandler({
    router: options.router,
    prefix: options.prefix,
    bodyLimits: options.bodyLimits,
    anonymousReadCache: options.anonymousReadCache,
    createContext: async (req, res) => options.context(await readRequestContext(req, options.verifier, options.logger), req, res),
  });
  return [{ prefix: options.prefix, handler }];
}
