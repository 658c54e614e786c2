import { ConfigError, describeAdapters, loadConfig } from '@glimpse/config';
import { createLogger } from '@glimpse/logging';
import { startGateway } from './gateway';

const logger = createLogger('gateway');
try {
  const config = loadConfig();
  const gateway = await startGateway(config, { logger });
  logger.info({ adapters: describeAdapters(config), dataDir: config.dataDir }, 'Glimpse is running');
  console.log(`\n  Glimpse is running at ${config.PUBLIC_URL ?? gateway.url}\n  data: ${config.dataDir}\n`);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  logger.fatal({ err: error }, 'Glimpse failed to start');
  process.exit(1);
}
