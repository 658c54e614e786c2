import { authRoutes, createSigner, createVerifier, runService } from '@glimpse/platform';

// The auth service: sign-up, sign-in, token refresh, and the JWKS other services verify with.
await runService('auth', async ({ config, infra, logger }) => {
  const signer = createSigner(config);
  return { routes: authRoutes(infra, signer, await createVerifier(config, signer), logger) };
});
