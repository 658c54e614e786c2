import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { THREAD_REPLIES_SOURCE, threadCalls } from '@glimpse/thread-calls';
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
  const { call } = threadCalls(worker, "The image tagger's thread");

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
const WORKER_SOURCE = /* js */ `${THREAD_REPLIES_SOURCE}
const { parentPort, workerData } = require('node:worker_threads');
let tagger;
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
