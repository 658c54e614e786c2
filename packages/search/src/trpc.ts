import type { Database } from '@glimpse/database';
import type { ImageCatalogue } from '@glimpse/images';
import { formatApiError, mapDomainErrors, type RequestContext } from '@glimpse/http-service';
import type { SearchIndex } from '@glimpse/search-index';
import { initTRPC } from '@trpc/server';

export interface SearchDeps {
  db: Database;
  catalogue: ImageCatalogue;
  searchIndex: SearchIndex;
}

export type SearchContext = RequestContext & SearchDeps;

export const createContextInner = (deps: SearchDeps, request: RequestContext): SearchContext => ({ ...deps, ...request });

const t = initTRPC.context<SearchContext>().create({ errorFormatter: formatApiError, isDev: false });

export const router = t.router;
export const publicProcedure = t.procedure.use(mapDomainErrors);
