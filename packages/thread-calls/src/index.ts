import type { Worker } from 'node:worker_threads';

/** What a thread answers to each call: its value, or the error it raised, as plain data. */
export type ThreadAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { message: string; fields?: Record<string, unknown> } };

export interface ThreadCalls {
  /** Posts `request` (with an `id` added) and resolves with the thread's value, or rejects with its error. */
  call<T>(request: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<T>;
}

/**
 * Request and answer over a worker thread, for work moved off the event loop (the embedded
 * database, the image tagger). The thread keeps the process alive only while an answer is
 * awaited: a command's last call must finish, an idle thread must not hold the process open.
 * Should the thread fail or exit, every call waiting and every later call rejects, naming
 * `what` and why.
 */
export function threadCalls(worker: Worker, what: string): ThreadCalls {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  worker.unref();
  worker.on('message', (answer: ThreadAnswer) => {
    const waiting = pending.get(answer.id);
    if (!waiting) return;
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if (answer.ok) waiting.resolve(answer.value);
    else waiting.reject(Object.assign(new Error(answer.error.message), answer.error.fields));
  });
  const fail = (error: Error) => {
    failure ??= error;
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
  };
  worker.on('error', (error) => fail(new Error(`${what} failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(`${what} has stopped (exit code ${code})`)));
  return {
    call<T>(request: Record<string, unknown>, transfer: ArrayBuffer[] = []) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        if (pending.size === 1) worker.ref();
        worker.postMessage({ ...request, id }, transfer);
      });
    },
  };
}

/**
 * The same protocol from inside the thread, as JavaScript source for a thread started with
 * `eval: true`: `reply(id, value)`, `refuse(id, error, fieldNames)` copying the named fields
 * of the error (an SQLSTATE `code`, say).
 */
export const THREAD_REPLIES_SOURCE = /* js */ `
const reply = (id, value) => require('node:worker_threads').parentPort.postMessage({ id, ok: true, value });
const refuse = (id, error, fieldNames = ['name', 'code']) => {
  const fields = {};
  for (const key of fieldNames) if (error && error[key] !== undefined) fields[key] = error[key];
  require('node:worker_threads').parentPort.postMessage({ id, ok: false, error: { message: error && error.message ? error.message : String(error), fields } });
};
`;
