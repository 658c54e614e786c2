import { exponentialBackoff } from '@glimpse/backoff';
import type { Logger } from '@glimpse/logging';

/**
 * Start-up against dependencies that may still be starting themselves (a fresh install
 * starts MinIO, Typesense and the Glimpse pods at the same moment): a process waits for
 * them with backoff, logging what it waits for, instead of exiting and being restarted.
 */
export interface WaitOptions {
  logger: Logger;
  /** Give up (rethrow the last error) once this much time has passed; default: never. */
  timeoutMs?: number;
  /** Milliseconds before retry n (1-based). Default: 0.5 s doubling up to 15 s, ±20 %. */
  delayMs?: (retry: number) => number;
  /** What is being waited for and why, for /readyz while it lasts. */
  progress?: StartupProgress;
}

export function startupBackoff(baseMs = 500, capMs = 15_000) {
  return exponentialBackoff({ baseMs, capMs, jitter: 0.2 });
}

/** Runs `attempt` until it succeeds; `what` names the dependency in every log line. */
export async function waitFor<T>(what: string, attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const { logger, progress } = options;
  const delayMs = options.delayMs ?? startupBackoff();
  const started = Date.now();
  for (let retry = 1; ; retry++) {
    try {
      const result = await attempt();
      if (retry > 1) logger.info({ waitedFor: what, attempts: retry, waitedMs: Date.now() - started }, `${what} is available`);
      progress?.done(what);
      return result;
    } catch (error) {
      const reason = describe(error);
      const delay = delayMs(retry);
      if (options.timeoutMs !== undefined && Date.now() + delay - started > options.timeoutMs) {
        progress?.done(what);
        throw error;
      }
      progress?.waiting(what, reason);
      logger.warn({ waitingFor: what, attempt: retry, retryInMs: delay, reason }, `waiting for ${what}: ${reason} (next try in ${(delay / 1000).toFixed(1)} s)`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** What a starting process waits for, as one line for /readyz. */
export interface StartupProgress {
  waiting(what: string, reason: string): void;
  done(what: string): void;
  describe(): string;
}

export function createStartupProgress(): StartupProgress {
  const waits = new Map<string, string>();
  return {
    waiting: (what, reason) => void waits.set(what, reason),
    done: (what) => void waits.delete(what),
    describe: () => (waits.size ? [...waits].map(([what, reason]) => `waiting for ${what}: ${reason}`).join('; ') : 'starting'),
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message || code || error.name;
  return error.name && error.name !== 'Error' && !message.startsWith(error.name) ? `${error.name}: ${message}` : message;
}
