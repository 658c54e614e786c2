import { createVerifier, runService, searchRoutes, startIndexer } from '@glimpse/platform';

// The search service. With Typesense the indexer runs as its own worker; with the embedded
// index (no TYPESENSE_URL) the index lives in this process, so this process indexes too.
await runService('search', async ({ config, infra, logger }) => {
  const routes = await searchRoutes(infra, await createVerifier(config), logger);
  const indexer = (await infra.searchIndex()).kind === 'embedded' ? await startIndexer(infra, logger) : undefined;
  return { routes, stop: async () => indexer?.stop() };
});
