import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createImageTagger } from './tagger';
import type { ImageTagger, TaggerOptions, TaggingResult } from './types';

/**
 * The tagger on a thread of its own. TensorFlow.js on WASM runs each model to completion on
 * the thread that calls it: loading the models takes seconds and tagging one photo about a
 * third of one, and on the main thread of the all-in-one that is the time every request,
 * probe and upload waits. Here the main thread posts the encoded image and awaits the tags.
 *
 * The thread imports this package's own TypeScript source through tsx (which the all-in-one
 * runs under). Where that source is not on disk (a bundled program, whose whole process is
 * the tagger's anyway), the tagger runs on the calling thread as before.
 */
export async function createImageTaggerThread(options: TaggerOptions = {}): Promise<ImageTagger> {
  const source = new URL('./tagger.ts', import.meta.url);
  let tsx: string;
  try {
    if (source.protocol !== 'file:' || !existsSync(source)) throw new Error('no TypeScript source beside this module');
    // tsx's ES module API (its CommonJS build cannot register the loader from a thread).
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return createImageTagger(options);
  }
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { tsx, entry: fileURLToPath(source), parent: import.meta.url, options } });
  worker.unref();

  const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  worker.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: { message: string; name?: string; code?: string } }) => {
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    if (pending.size === 0) worker.unref();
    if (message.ok) call.resolve(message.value as never);
    else call.reject(Object.assign(new Error(message.error!.message), { name: message.error!.name ?? 'Error', code: message.error!.code }));
  });
  const fail = (error: Error) => {
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('error', (error) => fail(new Error(`The image tagger's thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(`The image tagger's thread exited (code ${code})`)));
  const call = <T>(request: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: never) => void, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ ...request, id }, transfer);
    });
  };

  await call({ op: 'load' });
  let closed = false;
  return {
    tag(image: Buffer) {
      // A copy of its own to hand over: `image` may be a slice of a pooled buffer.
      const bytes = new Uint8Array(image.byteLength);
      bytes.set(image);
      return call<TaggingResult>({ op: 'tag', image: bytes }, [bytes.buffer]);
    },
    async close() {
      if (closed) return;
      closed = true;
      await call({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}

/** The thread's program: loads the tagger from its TypeScript source, then tags what it is sent, one at a time. */
const WORKER_SOURCE = /* js */ `
const { parentPort, workerData } = require('node:worker_threads');
let tagger;
const reply = (id, value) => parentPort.postMessage({ id, ok: true, value });
const refuse = (id, error) => parentPort.postMessage({ id, ok: false, error: { message: error && error.message ? error.message : String(error), name: error && error.name, code: error && error.code } });
let queue = Promise.resolve();
parentPort.on('message', (message) => {
  queue = queue.then(async () => {
    try {
      if (message.op === 'load') {
        const { tsImport } = await import(workerData.tsx);
        const module = await tsImport(workerData.entry, workerData.parent);
        tagger = await module.createImageTagger(workerData.options);
        reply(message.id, null);
      } else if (message.op === 'tag') {
        reply(message.id, await tagger.tag(Buffer.from(message.image.buffer, message.image.byteOffset, message.image.byteLength)));
      } else if (message.op === 'close') {
        if (tagger) await tagger.close();
        reply(message.id, null);
      }
    } catch (error) {
      refuse(message.id, error);
    }
  });
});
`;
