import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@glimpse/logging';
import sirv from 'sirv';
import { createClientAddressResolver, rememberClientAddress } from './client-address';
import type { ServiceMetrics } from './metrics';
import { sendTooManyRequests } from './trpc-edge';

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

/** What a service serves besides its probes and metrics. */
export interface ServiceParts {
  routes: Route[];
  readiness: ReadinessCheck[];
  /** A built single-page app to serve for every other GET (the all-in-one gateway). */
  webRoot?: string;
}

/**
 * What every answer carries. The CSP allows no inline script, no plugins, no framing and
 * no foreign base URL; images may also be data: or blob: URLs (placeholders, previews of
 * files being uploaded). Inline style attributes stay allowed: React sets them.
 */
export const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
} as const;
const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);
/** Sent only on answers that came over TLS (directly or through a trusted proxy): over plain HTTP browsers ignore it. */
export const HSTS = 'max-age=31536000; includeSubDomains';

export interface ServiceServerOptions extends Partial<ServiceParts> {
  name: string;
  metrics: ServiceMetrics;
  logger: Logger;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For and X-Forwarded-Proto are believed; none by default. */
  trustedProxies?: string | readonly string[];
  /**
   * Why the service is not serving yet, while it starts (e.g. "waiting for object storage
   * bucket …"): until `mount`, /readyz answers 503 with it and every route 503 too, while
   * /healthz already answers, so that a dependency still starting delays readiness instead
   * of failing the liveness probe.
   */
  starting?: () => string;
}

export interface ServiceServer {
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Starts serving these routes and readiness checks (after a start with `starting`). */
  mount(parts: ServiceParts): void;
  /**
   * Stops taking requests and resolves once the open ones are answered: idle keep-alive
   * connections are closed at once (and each as soon as its answer is sent), and after
   * `drainMs` whatever is still open is cut.
   */
  close(drainMs?: number): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;
/** How long a closing server lets in-flight requests finish; the process must exit within 10 s of SIGTERM. */
export const DRAIN_MS = 7_000;

/** The path Traefik's errors middleware fetches for its own 429s (see the chart and scripts/stack/traefik). */
export const TOO_MANY_REQUESTS_PATH = '/_glimpse/too-many-requests';
const TOO_MANY_REQUESTS_MESSAGES: Record<string, (seconds: number) => string> = {
  upload: (s) => `You are sending photos faster than Glimpse takes them in; the next one goes in ${s} s (uploads are counted per account).`,
  'upload-api': (s) => `Too many upload requests from your account at once; try again in ${s} s.`,
  auth: (s) => `Too many sign-in requests from your address; try again in ${s} s.`,
};

/**
 * One HTTP server for a service (or, in the all-in-one gateway, for all of them):
 * routes by prefix, plus `/healthz`, `/readyz`, `/metrics`, and optionally the web app.
 */
export function createServiceServer(options: ServiceServerOptions): ServiceServer {
  const { metrics, logger } = options;
  let mounted = options.starting === undefined;
  let routes = options.routes ?? [];
  let readiness = options.readiness ?? [];
  let web = webApp(options.webRoot);
  const addresses = createClientAddressResolver(options.trustedProxies);

  async function readyReport() {
    if (!mounted) return { ready: false, checks: { startup: options.starting!() } };
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

  /** One histogram child per method, route and status, looked up by a string: no label object hashed per request. */
  const observers = new Map<string, { observe(seconds: number): void }>();
  function observe(method: string, route: string, status: number, seconds: number) {
    const key = `${method} ${route} ${status}`;
    let observer = observers.get(key);
    if (!observer) observers.set(key, (observer = metrics.httpRequests.labels(method, route, String(status))));
    observer.observe(seconds);
  }

  let closing = false;
  /** Answers not sent yet: when the server closes, they tell their client not to reuse the connection. */
  const unanswered = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    if (closing) res.setHeader('Connection', 'close');
    else {
      unanswered.add(res);
      res.once('close', () => unanswered.delete(res));
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
    const routeLabel = route?.prefix ?? (path.startsWith('/api/') ? 'unknown' : path === '/healthz' || path === '/readyz' || path === '/metrics' ? path : 'web');
    res.on('finish', () => observe(req.method ?? 'GET', routeLabel, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    rememberClientAddress(req, addresses);
    for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
    if (addresses.isSecure(req)) res.setHeader('Strict-Transport-Security', HSTS);
    // API answers are per viewer (and may carry tokens): no browser or proxy may keep them.
    if (path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
    try {
      if (route) return await route.handler(req, res);
      if (path === '/healthz') return sendJson(res, 200, { status: 'alive', service: options.name });
      if (path === TOO_MANY_REQUESTS_PATH) {
        const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
        const seconds = Math.min(3600, Math.max(1, Math.ceil(Number(query.get('retryAfter')) || 1)));
        const message = TOO_MANY_REQUESTS_MESSAGES[query.get('limit') ?? '']?.(seconds) ?? `Too many requests; try again in ${seconds} s.`;
        return sendTooManyRequests(res, message, seconds);
      }
      if (path === '/readyz') {
        const report = await readyReport();
        return sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', ...report });
      }
      if (path === '/metrics') {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
        return res.end(await metrics.registry.metrics());
      }
      if (!mounted) {
        res.setHeader('Retry-After', '5');
        return sendJson(res, 503, { error: { message: `${options.name} is starting (${options.starting!()}); try again in a moment.` } });
      }
      if (web && path.startsWith('/assets/') && (req.method === 'GET' || req.method === 'HEAD')) {
        return web.assets(req, res, () => sendJson(res, 404, { error: { message: `No asset at ${path}; the page may be from an older version, reload it.` } }));
      }
      if (web && (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && !path.startsWith('/static/')) {
        return web.page(req, res, () => sendJson(res, 404, { error: { message: `Nothing at ${path}` } }));
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
    mount(parts) {
      routes = parts.routes;
      readiness = parts.readiness;
      web = webApp(parts.webRoot);
      mounted = true;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close(drainMs = DRAIN_MS) {
      closing = true;
      for (const res of unanswered) if (!res.headersSent) res.setHeader('Connection', 'close');
      unanswered.clear();
      return new Promise((resolve) => {
        // A keep-alive connection goes idle once its answer is sent; close it then, not after its 65 s timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * Hashed assets never change under their name, so they are cached for a year; a name that
 * is not there is a 404 (never index.html under an immutable header). Every other path is
 * the single-page app's index.html, revalidated every time.
 */
function webApp(webRoot: string | undefined) {
  if (!webRoot) return undefined;
  return {
    assets: sirv(webRoot, { etag: true, gzip: true, brotli: true, setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable') }),
    page: sirv(webRoot, { single: true, etag: true, gzip: true, brotli: true, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
