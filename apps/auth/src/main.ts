import { startOutboxRelay } from '@glimpse/outbox';
import { adminRoutes, authRoutes, createSigner, createVerifier, notificationRoutes, runService } from '@glimpse/platform';

// The auth service: sign-up, sign-in, token refresh, account recovery, the JWKS other services
// verify with, the in-app notifications (/api/notifications) and the admin API (/api/admin). The emails it queues (verify,
// reset) are relayed from here.
await runService('auth', async ({ config, infra, logger }) => {
  const signer = createSigner(config);
  const verifier = await createVerifier(config, signer);
  const relay = startOutboxRelay({ db: infra.db, queue: infra.queue, logger });
  return { routes: [...authRoutes(infra, signer, verifier, relay, logger), ...notificationRoutes(infra, verifier, logger), ...adminRoutes(infra, verifier, relay, logger)], stop: () => relay.stop() };
});
