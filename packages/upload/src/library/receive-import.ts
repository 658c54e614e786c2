import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import busboy from 'busboy';
import type { TokenVerifier } from '@glimpse/access-tokens';
import { GlimpseError } from '@glimpse/errors';
import { readRequestContext, sendApiError, sendJson } from '@glimpse/http-service';
import { VISIBILITIES, type Visibility } from '@glimpse/images';
import { QUEUES } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';
import { enqueueJob } from '@glimpse/outbox';
import type { UploadDeps } from '../trpc';
import { imports, type ImportSource } from './store';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const MAX_FILES = 1000;
const gigabytes = (bytes: number) => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/**
 * `POST /api/upload/imports.create`: multipart, one or more `file` fields (a zip, or images),
 * optional `keepDuplicates` (true/false) and `visibility`. Each file is streamed into object
 * storage as it arrives, never held whole in memory, then the import's row and its job commit
 * in one transaction. Answers in tRPC's shape: `{"result":{"data":{"importId":"…"}}}`.
 */
export function createImportReceiver(deps: UploadDeps, verifier: TokenVerifier, logger: Logger) {
  const maxBytes = deps.limits.importMaxBytes ?? deps.limits.quotaBytes;
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendApiError(res, 'METHOD_NOT_SUPPORTED', 405, 'imports.create: send the files with POST as multipart/form-data.');
    let viewerId: string;
    let log = logger;
    try {
      const context = await readRequestContext(req, verifier, logger);
      if (!context.viewer) return sendApiError(res, 'UNAUTHORIZED', 401, 'Sign in to import photos (send "Authorization: Bearer <access token>").');
      viewerId = context.viewer.id;
      log = context.logger;
    } catch (error) {
      return sendApiError(res, 'UNAUTHORIZED', 401, error instanceof Error ? error.message : 'Invalid access token.');
    }
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      return sendApiError(res, 'BAD_REQUEST', 400, 'file: send multipart/form-data with one or more "file" fields (a zip, or images).', { field: 'file' });
    }
    const importId = randomUUID();
    const sources: ImportSource[] = [];
    try {
      const fields = await receive(req, deps, importId, maxBytes, sources);
      if (sources.length === 0) throw new GlimpseError('INVALID_FORM', 'file: attach a zip or images as multipart fields named "file".', 'file');
      const keepDuplicates = parseFlag(fields.keepDuplicates);
      const visibility = fields.visibility ?? 'public';
      if (!(VISIBILITIES as readonly string[]).includes(visibility)) throw new GlimpseError('INVALID_INPUT', 'visibility: expected public, unlisted or private', 'visibility');
      await deps.db.transaction(async (tx) => {
        await imports.create(tx, { id: importId, ownerId: viewerId, keepDuplicates, visibility: visibility as Visibility, sources });
        await enqueueJob(tx, QUEUES.library, { kind: 'import', importId });
      });
      deps.wakeRelay();
      log.info({ importId, sources: sources.length, bytes: sources.reduce((sum, source) => sum + source.bytes, 0) }, 'import accepted');
      sendJson(res, 200, { result: { data: { importId, status: 'queued' } } });
    } catch (error) {
      for (const source of sources) await deps.storage.deleteObject(deps.buckets.unprocessed, source.key).catch(() => undefined);
      req.resume();
      if (error instanceof GlimpseError) {
        const status = error.apiCode === 'PAYLOAD_TOO_LARGE' ? 413 : error.apiCode === 'SERVICE_UNAVAILABLE' ? 503 : 400;
        return sendApiError(res, error.apiCode, status, error.message, error.field ? { field: error.field } : {});
      }
      log.error({ err: error, importId }, 'import: receiving the files failed');
      sendApiError(res, 'INTERNAL_SERVER_ERROR', 500, 'The import could not be received; nothing was kept. Try again.');
    }
  };
}

const parseFlag = (value: string | undefined) => value === 'true' || value === '1' || value === 'on';

/** Streams every `file` part into storage, one after another, and returns the text fields. */
function receive(req: IncomingMessage, deps: UploadDeps, importId: string, maxBytes: number, sources: ImportSource[]): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: MAX_FILES, fields: 20, fieldSize: 1000 } });
    } catch (error) {
      return reject(new GlimpseError('INVALID_FORM', `file: the multipart body cannot be read (${error instanceof Error ? error.message : String(error)}).`, 'file'));
    }
    const fields: Record<string, string> = {};
    let failed: unknown;
    let chain: Promise<void> = Promise.resolve();
    const fail = (error: unknown) => {
      failed ??= error;
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || failed) {
        stream.resume();
        if (name !== 'file') fail(new GlimpseError('INVALID_FORM', `${name}: files go in fields named "file".`, name));
        return;
      }
      const index = sources.length;
      const source: ImportSource = { key: `imports/${importId}/source-${index}`, name: cleanName(info.filename, index), kind: 'file', bytes: 0 };
      sources.push(source);
      let head = Buffer.alloc(0);
      const sniff = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)]);
          next(null, chunk);
        },
      });
      stream.once('limit', () => fail(new GlimpseError('UPLOAD_TOO_LARGE', `file: "${source.name}" is over the ${gigabytes(maxBytes)} an import may take.`, 'file')));
      const put = deps.storage.putObjectStream(deps.buckets.unprocessed, source.key, stream.pipe(sniff), 'application/octet-stream').then(
        (info) => {
          source.bytes = info.size;
          source.kind = head.equals(ZIP_MAGIC) ? 'zip' : 'file';
        },
        (error: unknown) => fail(new GlimpseError('STORAGE_UNAVAILABLE', 'Storage is unavailable right now; nothing was imported. Try again shortly.', undefined, { cause: error })),
      );
      chain = chain.then(() => put);
    });
    parser.once('filesLimit', () => fail(new GlimpseError('INVALID_FORM', `file: at most ${MAX_FILES} files per import; put them in a zip.`, 'file')));
    parser.once('error', (error) => reject(new GlimpseError('INVALID_FORM', `file: the multipart body cannot be read (${error instanceof Error ? error.message : String(error)}).`, 'file')));
    parser.once('close', () => {
      void chain.then(() => (failed ? reject(failed) : resolve(fields)));
    });
    req.pipe(parser);
  });
}

/** The name as sent, without folders a browser or curl may add, and never empty. */
function cleanName(filename: string | undefined, index: number): string {
  const base = (filename ?? '').split(/[\\/]/).pop()?.replace(/\u0000/g, '').trim();
  return base ? base.slice(0, 200) : `file-${index + 1}`;
}
