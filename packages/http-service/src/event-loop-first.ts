import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How much lower than the event loop every other thread of a service runs (a nice value
 * added to the process's own). On a small host the work behind the requests (libvips'
 * pixel threads and encoders on libuv's pool, the tagger, the embedded database, V8's
 * helpers) would otherwise take turns on the cores with the one thread that answers them.
 * Measured on two cores during a burst of 12 MP uploads: with all threads equal the event
 * loop waited 20-100 ms per quarter second for a core and stalled 50-90 ms; with the
 * others at +10 it waited 9-34 ms. Background threads still take every cycle the event
 * loop does not want, so throughput is kept.
 */
export const BACKGROUND_THREAD_NICENESS = 10;
/** Threads start as they are needed (libuv's pool, libvips' workers), so new ones are looked for this often. */
const SCAN_MS = 250;

/**
 * Keeps the event loop first: every thread of this process but the main one is lowered by
 * BACKGROUND_THREAD_NICENESS, now and as new ones appear, until the returned function is
 * called. On Linux a nice value set on a thread id applies to that thread only, and threads
 * it starts inherit it. Elsewhere, or where /proc cannot be read, it does nothing.
 */
export function keepEventLoopFirst(): () => void {
  if (process.platform !== 'linux') return () => undefined;
  const seen = new Set<number>([process.pid]);
  let target: number;
  try {
    target = Math.min(19, getPriority(process.pid) + BACKGROUND_THREAD_NICENESS);
  } catch {
    return () => undefined;
  }
  const scan = () => {
    let tasks: string[];
    try {
      tasks = readdirSync('/proc/self/task');
    } catch {
      return;
    }
    for (const task of tasks) {
      const tid = Number(task);
      if (seen.has(tid)) continue;
      seen.add(tid);
      try {
        if (getPriority(tid) < target) setPriority(tid, target);
      } catch {
        // the thread ended meanwhile, or this host does not allow it: it keeps its priority
      }
    }
  };
  scan();
  const timer = setInterval(scan, SCAN_MS);
  timer.unref();
  return () => clearInterval(timer);
}
