import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const marker = Symbol.for('glimpse.fileFetch');

/**
 * TensorFlow.js loads models through `fetch`, and Node's cannot read `file://` URLs. This
 * wraps the global `fetch` once so that `file://` URLs are read from disk; every other URL
 * goes to the fetch that was there before, untouched (the process's own HTTP calls keep
 * working while a model loads). Model paths are always `file://` URLs into node_modules,
 * so loading never reaches the network; the tests prove it with a fetch that throws.
 */
export function installFileFetch(): void {
  const current = globalThis.fetch as typeof fetch & { [marker]?: true };
  if (current[marker]) return;
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return current(input, init);
    try {
      return new Response(await readFile(fileURLToPath(url)), { status: 200 });
    } catch (error) {
      throw new Error(`image-tagging: model file missing: ${fileURLToPath(url)} (${(error as Error).message})`);
    }
  }) as typeof fetch & { [marker]?: true };
  wrapped[marker] = true;
  globalThis.fetch = wrapped;
}
