import type { Database, Queryable } from '@glimpse/database';
import type { ImageCatalogue } from '@glimpse/images';
import type { Recommender } from '@glimpse/recommender';
import { createServiceTRPC, type RequestContext } from '@glimpse/http-service';
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

export type FeedContext = RequestContext &
  Required<FeedDeps> & {
    /** Where this request's reads go: the read replica for anonymous visitors, the primary for a signed-in user (who must see their own writes). */
    reads: Queryable;
  };

export const createContextInner = (deps: Required<FeedDeps>, request: RequestContext): FeedContext => ({
  ...deps,
  ...request,
  reads: request.viewer ? deps.db : deps.db.replica,
});

export const { router, publicProcedure, protectedProcedure } = createServiceTRPC<FeedContext>();
