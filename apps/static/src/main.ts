import { createVerifier, runService, staticImageRoutes } from '@glimpse/platform';

// The static image service: variants from the processed bucket, with ETags and ranges.
await runService('static', async ({ config, infra, logger }) => ({ routes: staticImageRoutes(infra, await createVerifier(config), logger) }));
