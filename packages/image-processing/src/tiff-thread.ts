import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GlimpseError, type DomainErrorCode } from '@glimpse/errors';
import { THREAD_REPLIES_SOURCE, threadCalls } from '@glimpse/thread-calls';

/**
 * Where the thread finds the rewrite: this package's TypeScript source, imported through tsx
 * (which the all-in-one runs under). Null where that source is not on disk (a bundled worker,
 * whose process is the image processor anyway): the rewrite then runs on the calling thread.
 */
let loader: { tsx: string; entry: string } | null | undefined;

function threadLoader(): { tsx: string; entry: string } | null {
  if (loader !== undefined) return loader;
  const source = new URL('./tiff-readable.ts', import.meta.url);
  try {
    if (source.protocol !== 'file:' || !existsSync(source)) throw new Error('no TypeScript source beside this module');
    // tsx's ES module API (its CommonJS build cannot register the loader from a thread).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    loader = { tsx, entry: fileURLToPath(source) };
  } catch {
    loader = null;
  }
  return loader;
}

/**
 * `rewrittenTiff` (tiff-readable.ts) on a thread started for this file and ended after it:
 * such TIFFs are rare, and a thread of their own keeps the memory of one rewrite out of the
 * process once it is done. Resolves undefined when no thread can load the rewrite. Its
 * refusals come back as the same GlimpseError, code, message and field.
 */
export async function rewriteOffThread(bytes: Buffer): Promise<Buffer | undefined> {
  const found = threadLoader();
  if (!found) return undefined;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...found, parent: import.meta.url } });
  const { call } = threadCalls(worker, 'The TIFF rewrite thread');
  // A copy of its own to hand over: `bytes` may be a slice of a pooled buffer.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  try {
    const rewritten = await call<Uint8Array>({ op: 'rewrite', bytes: copy }, [copy.buffer]);
    return Buffer.from(rewritten.buffer, rewritten.byteOffset, rewritten.byteLength);
  } catch (error) {
    const { name, code, field, message } = error as Error & { code?: DomainErrorCode; field?: string };
    if (name === 'GlimpseError' && code) throw new GlimpseError(code, message, field, { cause: error });
    throw error;
  } finally {
    await worker.terminate();
  }
}

/** The thread's program: loads the rewrite from its TypeScript source and answers the one file it is sent. */
const WORKER_SOURCE = /* js */ `${THREAD_REPLIES_SOURCE}
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', async (message) => {
  try {
    const { tsImport } = await import(workerData.tsx);
    const module = await tsImport(workerData.entry, workerData.parent);
    const input = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength);
    const rewritten = await module.rewrittenTiff(input);
    const out = new Uint8Array(rewritten.buffer, rewritten.byteOffset, rewritten.byteLength);
    parentPort.postMessage({ id: message.id, ok: true, value: out }, rewritten.byteOffset === 0 && rewritten.byteLength === rewritten.buffer.byteLength ? [rewritten.buffer] : []);
  } catch (error) {
    refuse(message.id, error, ['name', 'code', 'field']);
  }
});
`;
