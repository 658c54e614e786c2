import { createVerifier, feedRoutes, runService } from '@glimpse/platform';

// The feed service: latest, popular, per-user feeds, image details and likes.
await runService('feed', async ({ config, infra, logger }) => ({ routes: feedRoutes(infra, await createVerifier(config), logger) }));
