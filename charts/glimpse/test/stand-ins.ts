// Stand-ins for the `helm test` script (files/api-test.mjs), so that the render test can run
// it for real: one HTTP server per Glimpse service answering as the real one does (bodies
// copied from a running gateway: /healthz, tRPC data and errors, the static service's 404,
// the SPA's index.html), and a Traefik that routes by the rendered IngressRoute (Host() and
// Path/PathPrefix rules, priorities, the security-headers middleware) and otherwise answers
// as Traefik does: 404 "404 page not found" with X-Content-Type-Options: nosniff.
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandIns {
  services: Record<string, string>;
  ingressUrl: string;
  close(): Promise<void>;
}

export interface IngressRule {
  match: string;
  priority: number;
  service: string;
  /** Response headers the route's middlewares add. */
  headers: Record<string, string>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(JSON.stringify(body));
};
const trpcError = (path: string) => ({
  error: { message: 'Sign in first: this needs an access token in the Authorization header.', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401, path, requestId: 'stand-in' } },
});
const INDEX_HTML = '<!doctype html>\n<html lang="en">\n  <head><title>Glimpse</title></head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n';

function serviceHandler(name: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (name === 'web') {
      if (path === '/healthz' || path === '/readyz') return res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      if (path.startsWith('/api/') || path.startsWith('/static/image/')) return res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>404 Not Found</body></html>');
      return res.writeHead(200, { 'Content-Type': 'text/html', Server: 'nginx' }).end(INDEX_HTML);
    }
    if (path === '/healthz') return json(res, 200, { status: 'alive', service: name });
    if (path === '/readyz') return json(res, 200, { status: 'ready', ready: true, checks: { database: 'ok' } });
    if (path === '/metrics') return res.writeHead(200, { 'Content-Type': 'text/plain' }).end('# HELP http_requests_total Requests\n');
    if (name === 'auth' && path === '/.well-known/jwks.json') return json(res, 200, { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'stand-in' }] });
    if (name === 'auth' && path === '/api/auth/me') return json(res, 401, trpcError('me'));
    if (name === 'auth' && path === '/api/notifications/list') return json(res, 401, trpcError('list'));
    if (name === 'auth' && path === '/api/admin/queues') return json(res, 401, trpcError('queues'));
    if (name === 'upload' && path === '/api/upload/status') return json(res, 401, trpcError('status'));
    if (name === 'upload' && path === '/api/upload/create' && req.method === 'GET') {
      return json(res, 405, { error: { message: 'Unsupported GET-request to mutation procedure at path "create"', code: -32005, data: { code: 'METHOD_NOT_SUPPORTED', httpStatus: 405, path: 'create', requestId: 'stand-in' } } });
    }
    if (name === 'feed' && path === '/api/feed/latest') return json(res, 200, { result: { data: { items: [], nextCursor: null } } });
    if (name === 'search' && path === '/api/search/images') return json(res, 200, { result: { data: { hits: [], found: 0, facets: {}, nextCursor: null } } });
    if (name === 'static' && path.startsWith('/static/image/')) return res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('No such image, or it is not visible to you.\n');
    return json(res, 404, { error: { message: `Nothing at ${req.method} ${path}` } });
  };
}

/** Traefik's rule language, the part the chart uses: Host(`h`), Path(`p`), PathPrefix(`p`), joined by &&. */
function matches(rule: string, host: string, path: string): boolean {
  return rule.split('&&').every((term) => {
    const [, fn, arg] = /^\s*(Host|Path|PathPrefix)\(`([^`]*)`\)\s*$/.exec(term) ?? [];
    if (!fn) throw new Error(`stand-in Traefik does not know the rule ${JSON.stringify(term)}`);
    if (fn === 'Host') return host.toLowerCase() === arg!.toLowerCase();
    if (fn === 'Path') return path === arg;
    return path.startsWith(arg!);
  });
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startStandIns(names: string[], rules: IngressRule[]): Promise<StandIns> {
  const servers: Server[] = [];
  const services: Record<string, string> = {};
  for (const name of names) {
    const server = createServer(serviceHandler(name));
    servers.push(server);
    services[name] = await listen(server);
  }
  // Traefik: the highest priority wins, then the longest rule (Traefik's default priority).
  const ordered = [...rules].sort((a, b) => b.priority - a.priority || b.match.length - a.match.length);
  const traefik = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = (req.url ?? '/').split('?')[0]!;
    const rule = ordered.find((r) => matches(r.match, host, path));
    const backend = rule && services[rule.service];
    if (!rule || !backend) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      return res.end('404 page not found\n');
    }
    const forwarded = request(`${backend}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...rule.headers });
      answer.pipe(res);
    });
    forwarded.on('error', () => res.writeHead(502).end('Bad Gateway'));
    req.pipe(forwarded);
  });
  servers.push(traefik);
  const ingressUrl = await listen(traefik);
  return {
    services,
    ingressUrl,
    async close() {
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
