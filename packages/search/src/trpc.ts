import type { Database, Queryable } from '@glimpse/database';
import type { ImageCatalogue } from '@glimpse/images';
import { createServiceTRPC, type RequestContext } from '@glimpse/http-service';
import type { SearchIndex } from '@glimpse/search-index';

export interface SearchDeps {
  db: Database;
  catalogue: ImageCatalogue;
  searchIndex: SearchIndex;
}

export type SearchContext = RequestContext &
  SearchDeps & {
    /** Where this request's re-checks go: the read replica for anonymous visitors, the primary for a signed-in user. */
    reads: Queryable;
  };

export const createContextInner = (deps: SearchDeps, request: RequestContext): SearchContext => ({ ...deps, ...request, reads: request.viewer ? deps.db : deps.db.replica });

export const { router, publicProcedure } = createServiceTRPC<SearchContext>();
