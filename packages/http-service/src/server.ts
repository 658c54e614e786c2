import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@glimpse/logging';
import sirv from 'sirv';
import type { ServiceMetrics } from './metrics';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface Route {
  /** Path prefix, e.g. `/api/auth`; a request matches the prefix itself or anything below it. */
  prefix: string;
  handler: RequestHandler;
}

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ServiceServerOptions {
  name: string;
  routes: Route[];
  readiness: ReadinessCheck[];
  metrics: ServiceMetrics;
  logger: Logger;
  /** A built single-page app to serve for every other GET (the all-in-one gateway). */
  webRoot?: string;
}

export interface ServiceServer {
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

/**
 * One HTTP server for a service (or, in the all-in-one gateway, for all of them):
 * routes by prefix, plus `/healthz`, `/readyz`, `/metrics`, and optionally the web app.
 */
export function createServiceServer(options: ServiceServerOptions): ServiceServer {
  const { routes, readiness, metrics, logger } = options;
  // Hashed assets never change under their name; index.html must be revalidated every time.
  const web = options.webRoot
    ? sirv(options.webRoot, {
        single: true,
        etag: true,
        gzip: true,
        brotli: true,
        setHeaders: (res, pathname) =>
          res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
      })
    : undefined;

  async function readyReport() {
    const results = await Promise.all(
      readiness.map(async ({ name, check }) => {
        try {
          await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), READINESS_TIMEOUT_MS).unref())]);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    return { ready: results.every(([, state]) => state === 'ok'), checks: Object.fromEntries(results) };
  }

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
    const routeLabel = route?.prefix ?? (path.startsWith('/api/') ? 'unknown' : path === '/healthz' || path === '/readyz' || path === '/metrics' ? path : 'web');
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.observe({ method: req.method ?? 'GET', route: routeLabel, status: String(res.statusCode) }, seconds);
    });
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      if (route) return await route.handler(req, res);
      if (path === '/healthz') return sendJson(res, 200, { status: 'alive', service: options.name });
      if (path === '/readyz') {
        const report = await readyReport();
        return sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', ...report });
      }
      if (path === '/metrics') {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
        return res.end(await metrics.registry.metrics());
      }
      if (web && (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && !path.startsWith('/static/')) {
        return web(req, res, () => sendJson(res, 404, { error: { message: `Nothing at ${path}` } }));
      }
      sendJson(res, 404, { error: { message: `Nothing at ${req.method} ${path}` } });
    } catch (error) {
      logger.error({ err: error, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'Something went wrong on our side; it has been logged.' } });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
