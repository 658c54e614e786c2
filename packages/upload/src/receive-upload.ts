import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { TRPCError } from '@trpc/server';
import type { TokenVerifier } from '@glimpse/access-tokens';
import { GlimpseError } from '@glimpse/errors';
import { readRequestContext, requireViewer, sendApiError, sendJson, sendProcedureError, type RequestContext } from '@glimpse/http-service';
import type { Logger } from '@glimpse/logging';
import { admitUpload, createUpload, megabytes, type UploadForm } from './create.handler';
import { createContextInner, type UploadDeps } from './trpc';

/** Room for the multipart envelope and text fields around the file. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
/** Text fields beyond this are refused, not cut: a description is at most 5,000 characters. */
const FIELD_BYTES = 64 * 1024;

/**
 * `POST /api/upload/create`, multipart: `file`, optional `title`, `description`,
 * `visibility`, `tags` (comma-separated), `keepDuplicates`. Answers in tRPC's shape
 * (`{"result":{"data":{"imageId":"…","status":"pending"}}}`, errors as tRPC's).
 *
 * Its own route rather than a tRPC procedure: the caller, email check, storage quota (for
 * the size declared) and upload rate limits are settled from the headers before a byte of
 * the body is read, and the body is
 * parsed as it streams in (busboy), the file collected in the chunks the socket delivers.
 * tRPC's multipart path parses the whole body in one synchronous pass and copies the file
 * twice: 20-30 ms of a busy event loop for each 6 MB photo.
 */
export function createUploadReceiver(deps: UploadDeps, verifier: TokenVerifier, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    // Refuse an oversized upload from its declared length, before reading a byte of it.
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > deps.limits.maxBytes + FORM_OVERHEAD_BYTES) {
      return sendApiError(res, 'PAYLOAD_TOO_LARGE', 413, `file: the upload is ${megabytes(declared)}, over the ${megabytes(deps.limits.maxBytes)} limit`, { field: 'file' });
    }
    let request: RequestContext | undefined;
    try {
      // as tRPC answers a mutation called any other way (the chart's `helm test` checks the route so)
      if (req.method !== 'POST') throw new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message: `create: send the photo with POST as multipart/form-data (got ${req.method}).` });
      request = await readRequestContext(req, verifier, logger);
      const ctx = { ...createContextInner(deps, request), viewer: requireViewer(request.viewer) };
      if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
        throw new GlimpseError('INVALID_FORM', 'file: send multipart/form-data with the image in a field named "file".', 'file');
      }
      // A body this long holds a file of at least this much, whatever its fields.
      await admitUpload(ctx, Math.max(0, declared - FORM_OVERHEAD_BYTES));
      const form = await readUploadForm(req, deps.limits.maxBytes);
      sendJson(res, 200, { result: { data: await createUpload(ctx, form) } });
    } catch (error) {
      // The rest of a refused body is read and dropped: the client hears the reason, not a reset.
      req.resume();
      sendProcedureError(res, error, 'create', request);
    }
  };
}

/**
 * The form's text fields and its first `file` part, read as the body streams in. A file over
 * `maxBytes` is refused as soon as it passes the limit; nothing of it is kept.
 */
export function readUploadForm(req: IncomingMessage, maxBytes: number): Promise<UploadForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, fields: 20, fieldSize: FIELD_BYTES, parts: 40 } });
    } catch (error) {
      return reject(new GlimpseError('INVALID_FORM', `file: the multipart body cannot be read (${error instanceof Error ? error.message : String(error)}).`, 'file'));
    }
    const fields: Record<string, string> = {};
    let file: UploadForm['file'];
    let failed: GlimpseError | undefined;
    let receiving: Promise<void> = Promise.resolve();
    const fail = (error: GlimpseError) => {
      failed ??= error;
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new GlimpseError('INVALID_INPUT', `${name}: over ${FIELD_BYTES / 1024} KB; a description is at most 5000 characters`, name));
      else if (!(name in fields)) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || file || failed) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      receiving = new Promise((done) => {
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          chunks.push(chunk);
        });
        stream.once('limit', () => {
          chunks.length = 0;
          fail(new GlimpseError('UPLOAD_TOO_LARGE', `file: over the ${megabytes(maxBytes)} limit`, 'file'));
        });
        stream.once('close', () => {
          if (!failed) file = { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), name: info.filename ?? '' };
          done();
        });
      });
    });
    parser.once('partsLimit', () => fail(new GlimpseError('INVALID_FORM', 'file: too many parts in the form; send the file and at most 20 fields.', 'file')));
    parser.once('fieldsLimit', () => fail(new GlimpseError('INVALID_FORM', 'file: too many fields in the form; at most 20 are read.', 'file')));
    parser.once('error', (error) => {
      const reason = error instanceof Error ? error.message : String(error);
      // busboy refuses a part header holding a control character, a NUL in a file name above all
      const hint = /part header/i.test(reason) ? ' A file name or field name may not hold control characters such as NUL (\\u0000).' : '';
      reject(new GlimpseError('INVALID_FORM', `file: the multipart body cannot be read (${reason}).${hint}`, 'file'));
    });
    parser.once('close', () => void receiving.then(() => (failed ? reject(failed) : resolve({ file, fields }))));
    req.once('aborted', () => reject(new GlimpseError('INVALID_FORM', 'file: the upload was cut off before it ended; nothing was kept.', 'file')));
    req.pipe(parser);
  });
}
