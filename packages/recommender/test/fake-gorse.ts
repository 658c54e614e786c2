import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. /api/recommend/u1?n=5&offset=0 */
  url: string;
  /** The path with each segment decoded, as Gorse's router sees it. */
  path: string;
  query: URLSearchParams;
  apiKey: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON, as Gorse writes its errors. */
  text?: string;
}

/**
 * A stand-in for Gorse's REST API on 127.0.0.1 that records every request and answers from
 * `answer` (by default `{ RowAffected: n }` as Gorse's write routes do, and 404 otherwise),
 * so the quick tier can check the adapter's requests and its reading of Gorse's answers.
 */
export async function startFakeGorse(answer: (request: RecordedRequest) => FakeAnswer | undefined = () => undefined) {
  const requests: RecordedRequest[] = [];
  let respond = answer;
  const server: Server = createServer(async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const parsed = new URL(incoming.url ?? '/', 'http://fake');
    const request: RecordedRequest = {
      method: incoming.method ?? 'GET',
      url: incoming.url ?? '/',
      path: parsed.pathname.split('/').map(decodeURIComponent).join('/'),
      query: parsed.searchParams,
      apiKey: incoming.headers['x-api-key'] as string | undefined,
      contentType: incoming.headers['content-type'],
      body: raw ? JSON.parse(raw) : undefined,
    };
    requests.push(request);
    const reply = respond(request) ?? defaultAnswer(request);
    if (reply.text !== undefined) {
      outgoing.writeHead(reply.status ?? 200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(reply.text);
    } else {
      outgoing.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body ?? null, null, 1));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    answer(next: typeof answer) {
      respond = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function defaultAnswer(request: RecordedRequest): FakeAnswer {
  if (request.method === 'GET') return { status: 404, text: '404: Page Not Found' };
  return { body: { RowAffected: Array.isArray(request.body) ? request.body.length : 1 } };
}
