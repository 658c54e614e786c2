import { ConfigError, describeAdapters, loadConfig, type GlimpseConfig } from '@glimpse/config';
import { createMetrics, createServiceServer, keepEventLoopFirst, type Route, type ServiceMetrics } from '@glimpse/http-service';
import { createLogger, type Logger } from '@glimpse/logging';
import { openInfrastructure, type Infrastructure } from './infrastructure';
import { keepDataPrivate } from './private-data';
import { createStartupProgress } from './wait-for';

export interface RunningParts {
  routes?: Route[];
  /** Served for every other GET (the web app in the all-in-one). */
  webRoot?: string;
  /** Called on SIGTERM after the server stopped taking requests: stop consuming, finish work. */
  stop?: () => Promise<void>;
}

export interface ServiceContext {
  /** Where this process listens (http://host:port), e.g. for links when PUBLIC_URL is unset. */
  url: string;
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
 * Starts one app or worker: an HTTP server with /healthz, /readyz and /metrics (workers too,
 * for probes and scraping), then its adapters and its parts, and a graceful close. The server
 * listens first: while a dependency is still starting (MinIO on a fresh install), the process
 * waits for it with backoff, alive on /healthz and not ready on /readyz, saying what it waits
 * for; it serves its routes once everything has started.
 */
export async function startService(
  name: string,
  config: GlimpseConfig,
  logger: Logger,
  start: (context: ServiceContext) => Promise<RunningParts>,
  options: { migrate?: boolean } = {},
): Promise<RunningService> {
  // before any adapter opens a file, so that `npm start` (runService) and the tests (startGateway) get the same
  keepDataPrivate(config.dataDir);
  const metrics = createMetrics(name);
  const backgroundThreadsLowered = keepEventLoopFirst();
  const progress = createStartupProgress();
  const server = createServiceServer({ name, metrics, logger, trustedProxies: config.TRUSTED_PROXIES, starting: () => progress.describe() });
  const address = await server.listen(config.PORT, config.HOST);
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  let opened: Infrastructure | undefined;
  const { infra, parts } = await (async () => {
    opened = await openInfrastructure(config, logger, { ...options, progress, metrics: metrics.registry });
    return { infra: opened, parts: await start({ url, config, logger, infra: opened, metrics }) };
  })().catch(async (error: unknown) => {
    backgroundThreadsLowered();
    await server.close();
    await opened?.close();
    throw error;
  });
  server.mount({ routes: parts.routes ?? [], readiness: infra.readiness, webRoot: parts.webRoot });
  let closing: Promise<void> | undefined;
  return {
    url,
    infra,
    close() {
      closing ??= (async () => {
        backgroundThreadsLowered();
        await server.close();
        await parts.stop?.();
        await infra.close();
      })();
      return closing;
    },
  };
}

/** Within Kubernetes' default 30 s grace period, and within the 10 s we promise: requests drain for DRAIN_MS, then workers and adapters close. */
export const SHUTDOWN_DEADLINE_MS = 9_500;

/** The `main` of every app and worker: configuration errors name the variable; SIGTERM drains. */
export async function runService(name: string, start: (context: ServiceContext) => Promise<RunningParts>, options: { migrate?: boolean } = {}) {
  const logger = createLogger(name);
  try {
    const config = loadConfig();
    const service = await startService(name, config, logger, start, options);
    logger.info({ url: service.url, adapters: describeAdapters(config) }, `${name} is running`);
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down: finishing in-flight work');
      // Whatever still hangs (a dependency that does not answer) must not outlive the grace period.
      setTimeout(() => {
        logger.error({ signal, afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
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
