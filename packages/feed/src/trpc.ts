import type { Database } from '@glimpse/database';
import type { ImageCatalogue } from '@glimpse/images';
import type { Recommender } from '@glimpse/recommender';
import { formatApiError, mapDomainErrors, requireViewer, type RequestContext } from '@glimpse/http-service';
import { initTRPC } from '@trpc/server';
import type { AnonymousViews } from './anonymous-views';

export interface FeedDeps {
  db: Database;
  catalogue: ImageCatalogue;
  recommender: Recommender;
  /** Nudges the outbox relay after a commit that queued work (likes and views feed the recommender). */
  wakeRelay: () => void;
  /** Deduplicates anonymous views per address (default: one a day per address and image). */
  anonymousViews?: AnonymousViews;
}

export type FeedContext = RequestContext & Required<FeedDeps>;

export const createContextInner = (deps: Required<FeedDeps>, request: RequestContext): FeedContext => ({ ...deps, ...request });

const t = initTRPC.context<FeedContext>().create({ errorFormatter: formatApiError, isDev: false });

export const router = t.router;
export const publicProcedure = t.procedure.use(mapDomainErrors);
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { ...ctx, viewer: requireViewer(ctx.viewer) } }));
