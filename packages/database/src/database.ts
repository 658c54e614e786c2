import { exponentialBackoff } from '@glimpse/backoff';
/** The database capability: CockroachDB/PostgreSQL in production, PGlite embedded. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface TransactionOptions {
  /** Upper bound on attempts when the database asks us to retry (SQLSTATE 40001). */
  maxAttempts?: number;
}

export interface DatabaseStats {
  /** Transactions re-run because the database reported a serialization failure. */
  serializationRetries: number;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Where reads that may lag the primary by a moment go (DATABASE_READ_URL, a streaming
   * replica): what anonymous visitors read. The primary itself when there is no replica.
   * Never used for a signed-in user's reads, so everyone reads their own writes.
   */
  readonly replica: Queryable;
  readonly stats: DatabaseStats;
  /**
   * Runs `work` in one SERIALIZABLE transaction and retries it, with backoff, when the
   * database reports a serialization failure. `work` must therefore be safe to re-run:
   * no outside side effects inside it.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isSerializationFailure = (error: unknown) => sqlState(error) === '40001';
export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';

export function uniqueViolationConstraint(error: unknown): string | undefined {
  if (!isUniqueViolation(error)) return undefined;
  const { constraint, detail, message } = error as { constraint?: string; detail?: string; message?: string };
  return constraint ?? detail ?? message;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries `attempt` while it fails with SQLSTATE 40001, up to `maxAttempts`, with
 * jittered exponential backoff. Any other error is thrown at once.
 */
export async function retrySerializable<T>(attempt: () => Promise<T>, maxAttempts = 10, baseDelayMs = 5, stats?: DatabaseStats): Promise<T> {
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSerializationFailure(error) || tryNumber >= maxAttempts) throw error;
      if (stats) stats.serializationRetries++;
      await sleep(exponentialBackoff({ baseMs: baseDelayMs, capMs: 1_000, jitter: 0.5 })(tryNumber));
    }
  }
}
