// `helm test`: checks that every service answers as itself, then (with the bundled Traefik)
// that every route of the shape reaches the right service through the ingress. Run by the
// test Job in the cli image (node, nothing else), inlined by templates/tests/api-test.yaml;
// charts/glimpse/test/chart.chart.test.ts runs it against stand-ins, routes missing included.
//
// node:http, not fetch(): fetch drops a `host` header, so Traefik's Host() rules would never
// match. Every check asserts what only the right service says (its /healthz, a tRPC body with
// the procedure's path, the SPA's index.html, the static service's own 404 text): Traefik's
// own 404 ("404 page not found", with X-Content-Type-Options: nosniff) passes none of them.
//
// Environment: SERVICES (JSON name → base URL), INGRESS_URL ("" = skip the ingress checks),
// INGRESS_HOST (Host header for the ingress; "" = any host), INGRESS_HEADERS (JSON: the
// response headers the ingress adds, lower-case name → value), INGRESS_WAIT_SECONDS (how long
// to wait for Traefik to load the routes, default 60).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const TIMEOUT_MS = 10_000;
const UNKNOWN_IMAGE = '/static/image/00000000-0000-4000-8000-000000000000/thumb.webp';
const services = JSON.parse(process.env.SERVICES ?? '{}');
const ingress = process.env.INGRESS_URL ?? '';
const ingressHost = process.env.INGRESS_HOST ?? '';
const ingressWaitMs = Number(process.env.INGRESS_WAIT_SECONDS ?? 60) * 1000;
const expectedHeaders = JSON.parse(process.env.INGRESS_HEADERS ?? '{}');

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const outgoing = request(url, { method: 'GET', headers, timeout: TIMEOUT_MS }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const excerpt = (r) => `${r.status} ${JSON.stringify(r.body.slice(0, 160))}`;
const parse = (body) => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

// Each expectation returns '' when the answer is right, else what is wrong with it.
const answers = {
  alive: (service) => (r) => (r.status === 200 && parse(r.body)?.status === 'alive' && parse(r.body)?.service === service ? '' : `expected /healthz of ${service}, got ${excerpt(r)}`),
  ready: (r) => (r.status === 200 && parse(r.body)?.status === 'ready' ? '' : `expected ready, got ${excerpt(r)}`),
  nginxOk: (r) => (r.status === 200 && r.body.trim() === 'ok' ? '' : `expected nginx's "ok", got ${excerpt(r)}`),
  metrics: (r) => (r.status === 200 && r.body.includes('# HELP') ? '' : `expected Prometheus text, got ${excerpt(r)}`),
  jwks: (r) => (r.status === 200 && Array.isArray(parse(r.body)?.keys) && parse(r.body).keys.length > 0 ? '' : `expected a JWKS, got ${excerpt(r)}`),
  /** a tRPC answer of procedure `path`: data (test) or an error with the given code */
  trpcData: (test) => (r) => (r.status === 200 && test(parse(r.body)?.result?.data) ? '' : `expected tRPC data, got ${excerpt(r)}`),
  trpcError: (path, code, status) => (r) => {
    const data = parse(r.body)?.error?.data;
    return r.status === status && data?.code === code && data?.path === path ? '' : `expected tRPC ${code} from ${path}, got ${excerpt(r)}`;
  },
  staticNotFound: (r) => (r.status === 404 && r.body.startsWith('No such image') ? '' : `expected the static service's 404, got ${excerpt(r)}`),
  spa: (r) =>
    r.status === 200 && String(r.headers['content-type']).startsWith('text/html') && r.body.includes('<div id="root">') ? '' : `expected the web app's index.html, got ${excerpt(r)}`,
  notSpa: (r) => (r.body.includes('<div id="root">') ? `expected no route for another host name, got the web app (${r.status})` : ''),
};

/**
 * The response headers Traefik's security-headers middleware adds. Checked on the web app's
 * page (nginx sets none of these itself); "includes", since a backend may send its own too.
 */
const securityHeaders = (r) => {
  const wrong = Object.entries(expectedHeaders)
    .filter(([name, value]) => !String(r.headers[name] ?? '').includes(value))
    .map(([name, value]) => `${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(r.headers[name] ?? null)}`);
  return wrong.length ? `${wrong.join('; ')} (status ${r.status})` : '';
};
const both = (...tests) => (r) => tests.map((t) => t(r)).filter(Boolean).join('; ');

const results = [];
// A Service's new endpoints reach kube-proxy and the ingress a moment after its pods are ready
// (and a reused pod address may still lead to the pod that had it), so each check gets a few
// tries over SETTLE_SECONDS (default 30) before it counts as failed.
const settleMs = Number(process.env.SETTLE_SECONDS ?? 30) * 1000;
async function check(name, url, test, headers) {
  const deadline = Date.now() + settleMs;
  for (let attempt = 1; ; attempt++) {
    let problem;
    let status = '';
    try {
      const response = await get(url, headers);
      problem = test(response);
      status = String(response.status);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (!problem || Date.now() > deadline) {
      results.push({ name, ok: !problem, detail: (problem || status) + (attempt > 1 ? ` (after ${attempt} tries)` : '') });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

for (const [name, base] of Object.entries(services)) {
  if (name === 'web') {
    await check('web /healthz', `${base}/healthz`, answers.nginxOk);
    await check('web /readyz', `${base}/readyz`, answers.nginxOk);
    await check('web index.html', `${base}/`, answers.spa);
    continue;
  }
  await check(`${name} /healthz`, `${base}/healthz`, answers.alive(name));
  await check(`${name} /readyz`, `${base}/readyz`, answers.ready);
  await check(`${name} /metrics`, `${base}/metrics`, answers.metrics);
}
if (services.auth) {
  await check('auth JWKS', `${services.auth}/.well-known/jwks.json`, answers.jwks);
  await check('auth me without a token', `${services.auth}/api/auth/me`, answers.trpcError('me', 'UNAUTHORIZED', 401));
}
if (services.upload) await check('upload status without a token', `${services.upload}/api/upload/status`, answers.trpcError('status', 'UNAUTHORIZED', 401));
if (services.feed) await check('feed latest', `${services.feed}/api/feed/latest`, answers.trpcData((d) => Array.isArray(d?.items)));
if (services.search) await check('search images', `${services.search}/api/search/images`, answers.trpcData((d) => Array.isArray(d?.hits)));
if (services.static) await check('static unknown image', `${services.static}${UNKNOWN_IMAGE}`, answers.staticNotFound);

if (ingress) {
  const host = ingressHost ? { host: ingressHost } : {};
  // Traefik loads the IngressRoute a moment after it is created: wait for the web app's route
  // (one IngressRoute holds every route, so they arrive together), then check each once.
  const deadline = Date.now() + ingressWaitMs;
  for (;;) {
    const response = await get(`${ingress}/`, host).catch(() => undefined);
    if ((response && !answers.spa(response)) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  await check('ingress / (web app, security headers)', `${ingress}/`, both(answers.spa, securityHeaders), host);
  await check('ingress /api/auth', `${ingress}/api/auth/me`, answers.trpcError('me', 'UNAUTHORIZED', 401), host);
  await check('ingress /.well-known/jwks.json', `${ingress}/.well-known/jwks.json`, answers.jwks, host);
  await check('ingress /api/notifications', `${ingress}/api/notifications/list`, answers.trpcError('list', 'UNAUTHORIZED', 401), host);
  await check('ingress /api/admin', `${ingress}/api/admin/queues`, answers.trpcError('queues', 'UNAUTHORIZED', 401), host);
  await check('ingress /api/upload', `${ingress}/api/upload/status`, answers.trpcError('status', 'UNAUTHORIZED', 401), host);
  // upload.create has a route of its own (its own rate limit); a GET reaches it and is refused as a mutation
  await check('ingress /api/upload/create', `${ingress}/api/upload/create`, answers.trpcError('create', 'METHOD_NOT_SUPPORTED', 405), host);
  await check('ingress /api/feed', `${ingress}/api/feed/latest`, answers.trpcData((d) => Array.isArray(d?.items)), host);
  await check('ingress /api/search', `${ingress}/api/search/images`, answers.trpcData((d) => Array.isArray(d?.hits)), host);
  await check('ingress /static/image', `${ingress}${UNKNOWN_IMAGE}`, answers.staticNotFound, host);
  if (ingressHost) await check('ingress routes only its host name', `${ingress}/`, answers.notSpa, { host: `not-${ingressHost}` });
}

for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed || results.length === 0 ? 1 : 0);
