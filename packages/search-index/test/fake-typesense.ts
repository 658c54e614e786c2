import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a Typesense server on 127.0.0.1 (Typesense has no build for this
 * machine): it records each request the official client sends and answers with the
 * response a test gives, in the shapes of Typesense's API reference.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  /** Sent as JSON unless `text` is given. */
  json?: unknown;
  /** Sent as is, as text/plain (the import endpoint answers JSON lines). */
  text?: string;
  contentType?: string;
  /** Never answer (to test the client's timeout). */
  hang?: boolean;
}

export type Route = (request: RecordedRequest) => Reply | undefined;

export interface FakeTypesense {
  url: string;
  requests: RecordedRequest[];
  /** Answers from now on; unrouted requests get Typesense's 404 {"message": "Not Found"}. */
  route(route: Route): void;
  close(): Promise<void>;
}

export const notFound: Reply = { status: 404, json: { message: 'Not Found' } };

export async function startFakeTypesense(): Promise<FakeTypesense> {
  const requests: RecordedRequest[] = [];
  let current: Route = () => undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const reply = current(recorded) ?? notFound;
      if (reply.hang) return;
      const body = reply.text ?? JSON.stringify(reply.json ?? {});
      const contentType = reply.contentType ?? (reply.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
      response.writeHead(reply.status, { 'Content-Type': contentType }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(route) {
      current = route;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A collection as GET /collections/:name and POST /collections answer it. */
export function collectionResponse(name: string, numDocuments: number, fieldNames: string[] = ['title', 'camera']) {
  return {
    name,
    num_documents: numDocuments,
    created_at: 1_735_689_600,
    default_sorting_field: 'createdAt',
    enable_nested_fields: false,
    symbols_to_index: [],
    token_separators: ['-', '_'],
    fields: fieldNames.map((field) => ({ name: field, type: 'string', facet: field === 'camera', index: true, optional: field === 'camera', infix: false, locale: '', sort: false })),
  };
}

/** A search response as documented: highlights, text_match_info and facet stats included, to be ignored. */
export function searchResponse(options: { found: number; page: number; ids: Array<[string, number]>; facets: Record<string, Array<[string, number]>> }) {
  return {
    facet_counts: Object.entries(options.facets).map(([field, counts]) => ({
      field_name: field,
      sampled: false,
      counts: counts.map(([value, count]) => ({ count, highlighted: value, value })),
      stats: { total_values: counts.length },
    })),
    found: options.found,
    out_of: 3000,
    page: options.page,
    request_params: { collection_name: 'images', per_page: 24, q: 'sunset' },
    search_cutoff: false,
    search_time_ms: 1,
    hits: options.ids.map(([id, textMatch]) => ({
      document: { id },
      highlight: { title: { matched_tokens: ['Sunset'], snippet: '<mark>Sunset</mark> over the harbour' } },
      highlights: [{ field: 'title', matched_tokens: ['Sunset'], snippet: '<mark>Sunset</mark> over the harbour' }],
      text_match: textMatch,
      text_match_info: { best_field_score: '1108091339008', best_field_weight: 15, fields_matched: 1, score: String(textMatch), tokens_matched: 1 },
    })),
  };
}
