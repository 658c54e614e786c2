import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@glimpse/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddressOf, createClientAddressResolver, createMetrics, createServiceServer, parseTrustedProxies, type ServiceServer } from '../src/index';

const request = (peer: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage;

describe('client addresses', () => {
  it('ignores X-Forwarded-For from anyone when no proxy is trusted (the all-in-one default)', () => {
    const resolver = createClientAddressResolver([]);
    expect(resolver.clientAddress(request('203.0.113.9', { 'x-forwarded-for': '1.2.3.4' }))).toBe('203.0.113.9');
  });

  it('believes a trusted proxy, and takes the rightmost address that is not itself a trusted proxy', () => {
    const resolver = createClientAddressResolver(['10.0.0.0/8', '::1']);
    expect(resolver.clientAddress(request('10.1.2.3', { 'x-forwarded-for': '1.2.3.4' }))).toBe('1.2.3.4');
    // A client that writes its own X-Forwarded-For cannot choose the address we see.
    expect(resolver.clientAddress(request('10.1.2.3', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.9.9.9' }))).toBe('198.51.100.7');
    expect(resolver.clientAddress(request('::ffff:10.0.0.5', { 'x-forwarded-for': '198.51.100.8' }))).toBe('198.51.100.8');
    expect(resolver.clientAddress(request('10.1.2.3', { 'x-forwarded-for': 'not-an-address' }))).toBe('10.1.2.3');
    expect(resolver.clientAddress(request('192.0.2.1', { 'x-forwarded-for': '1.2.3.4' }))).toBe('192.0.2.1');
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    const resolver = createClientAddressResolver('10.0.0.0/8');
    expect(resolver.isSecure(request('10.0.0.1', { 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(resolver.isSecure(request('192.0.2.1', { 'x-forwarded-proto': 'https' }))).toBe(false);
  });

  it('refuses a trusted-proxy entry that is not an address or CIDR, naming it', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, 10.0.0.0/33')).toThrow(/"10.0.0.0\/33" is not an IP address or CIDR/);
    expect(() => parseTrustedProxies('example.com')).toThrow(/example.com/);
  });
});

describe('the service server', () => {
  let webRoot: string;
  let server: ServiceServer;
  let url: string;
  let seenAddress = '';

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'glimpse-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app-1234.js"></script>');
    writeFileSync(join(webRoot, 'assets', 'app-1234.js'), 'console.log("app")');
    server = createServiceServer({
      name: 'test',
      metrics: createMetrics('test'),
      logger: silentLogger,
      webRoot,
      readiness: [],
      trustedProxies: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
      routes: [
        {
          prefix: '/api/echo',
          handler: (req, res) => {
            seenAddress = clientAddressOf(req);
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end('{}');
          },
        },
      ],
    });
    const address = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('reports how long the event loop stalled since the previous scrape in /metrics', async () => {
    const stallOf = async () => Number(/^glimpse_event_loop_delay_seconds\{quantile="1",service="test"\} (\S+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stallOf();
    // Hold the event loop for 150 ms, as a synchronous decode or a large JSON.stringify would.
    const until = performance.now() + 150;
    while (performance.now() < until);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await stallOf()).toBeGreaterThanOrEqual(0.12);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Reset by the scrape: the next window saw no such stall.
    expect(await stallOf()).toBeLessThan(0.12);
  });

  it('answers a missing hashed asset with 404, never index.html under a year-long cache', async () => {
    const missing = await fetch(`${url}/assets/app-0000.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).not.toMatch(/immutable/);
    expect(await missing.text()).not.toContain('<div id="root">');

    const present = await fetch(`${url}/assets/app-1234.js`);
    expect(present.status).toBe(200);
    expect(present.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const page = await fetch(`${url}/some/client/route`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<div id="root">');
  });

  it('sends a strict CSP with no inline script, no framing, no referrer', async () => {
    const page = await fetch(`${url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // Plain HTTP: browsers ignore HSTS, so it is not sent.
    expect(page.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends HSTS when a trusted proxy says the client came over TLS', async () => {
    const page = await fetch(`${url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  });

  it('marks every API answer no-store and hands the resolved client address to the route', async () => {
    const answer = await fetch(`${url}/api/echo`, { headers: { 'x-forwarded-for': '198.51.100.23' } });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(seenAddress).toBe('198.51.100.23');
  });
});
