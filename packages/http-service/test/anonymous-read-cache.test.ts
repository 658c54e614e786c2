import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnonymousReadCache } from '@glimpse/http-service';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server whose answer changes with every computation ("answer 1", "answer 2", …), behind the cache. */
async function serve(ttlMs: number, status = 200) {
  let computed = 0;
  const cache = createAnonymousReadCache({ procedures: ['latest'], ttlMs }, '/api/feed');
  server = createServer((req, res) => {
    const procedure = (req.url ?? '').split('?')[0]!.split('/').pop()!;
    void cache.handle(req, res, procedure, async (_req, response) => {
      computed++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ answer: computed }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { url, computed: () => computed };
}

describe('anonymous read cache', () => {
  it('computes a burst of the same anonymous question once, and answers all of it alike', async () => {
    const { url, computed } = await serve(500);
    const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/api/feed/latest?input=1`).then((r) => r.text())));
    expect(new Set(answers)).toEqual(new Set(['{"answer":1}']));
    expect(computed()).toBe(1);
  });

  it('asks again once the answer is older than its time to live', async () => {
    const { url, computed } = await serve(100);
    expect(await (await fetch(`${url}/api/feed/latest`)).text()).toBe('{"answer":1}');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await (await fetch(`${url}/api/feed/latest`)).text()).toBe('{"answer":2}');
    expect(computed()).toBe(2);
  });

  it('never serves or keeps an answer for a request with a token or a cookie, or for other procedures', async () => {
    const { url, computed } = await serve(500);
    await fetch(`${url}/api/feed/latest`);
    expect(await (await fetch(`${url}/api/feed/latest`, { headers: { authorization: 'Bearer x' } })).text()).toBe('{"answer":2}');
    expect(await (await fetch(`${url}/api/feed/latest`, { headers: { cookie: 'glimpse_refresh=y' } })).text()).toBe('{"answer":3}');
    expect(await (await fetch(`${url}/api/feed/forYou`)).text()).toBe('{"answer":4}');
    expect(await (await fetch(`${url}/api/feed/latest`)).text()).toBe('{"answer":1}');
    expect(computed()).toBe(4);
  });

  it('keeps only 200 answers: an error is asked again', async () => {
    const { url, computed } = await serve(500, 400);
    await fetch(`${url}/api/feed/latest`);
    expect((await fetch(`${url}/api/feed/latest`)).status).toBe(400);
    expect(computed()).toBe(2);
  });

  it('refuses a time to live above a second, the most anyone may read a change late', () => {
    expect(() => createAnonymousReadCache({ procedures: ['latest'], ttlMs: 5000 }, '/api/feed')).toThrow(/between 0 and 1000/);
  });
});
