import { ConfigError, describeAdapters, loadConfig, type GlimpseConfig } from '@glimpse/config';
import { createMetrics, createServiceServer, type Route, type ServiceMetrics } from '@glimpse/http-service';
import { createLogger, type Logger } from '@glimpse/logging';
import { openInfrastructure, type Infrastructure } from './infrastructure';

export interface RunningParts {
  routes?: Route[];
  /** Served for every other GET (the web app in the all-in-one). */
  webRoot?: string;
  /** Called on SIGTERM after the server stopped taking requests: stop consuming, finish work. */
  stop?: () => Promise<void>;
}

export interface ServiceContext {
  config: GlimpseConfig;
  logger: Logger;
  infra: Infrastructure;
  metrics: ServiceMetrics;
}

export interface RunningService {
  url: string;
  infra: Infrastructure;
  close(): Promise<void>;
}

/**
 * Starts one app or worker: its adapters, its parts, an HTTP server with /healthz,
 * /readyz and /metrics (workers too, for probes and scraping), and a graceful close.
 */
export async function startService(
  name: string,
  config: GlimpseConfig,
  logger: Logger,
  start: (context: ServiceContext) => Promise<RunningParts>,
  options: { migrate?: boolean } = {},
): Promise<RunningService> {
  const infra = await openInfrastructure(config, logger, options);
  const metrics = createMetrics(name);
  const parts = await start({ config, logger, infra, metrics });
  const server = createServiceServer({ name, routes: parts.routes ?? [], readiness: infra.readiness, metrics, logger, webRoot: parts.webRoot });
  const address = await server.listen(config.PORT, config.HOST);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    infra,
    close() {
      closing ??= (async () => {
        await server.close();
        await parts.stop?.();
        await infra.close();
      })();
      return closing;
    },
  };
}

/** The `main` of every app and worker: configuration errors name the variable; SIGTERM drains. */
export async function runService(name: string, start: (context: ServiceContext) => Promise<RunningParts>, options: { migrate?: boolean } = {}) {
  const logger = createLogger(name);
  try {
    const config = loadConfig();
    const service = await startService(name, config, logger, start, options);
    logger.info({ url: service.url, adapters: describeAdapters(config) }, `${name} is running`);
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down: finishing in-flight work');
      service.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    return service;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${name}: ${error.message}`);
      process.exit(2);
    }
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
}
