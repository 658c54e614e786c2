import { TRPCClientError } from '@trpc/client';

/** What the UI shows for a failed call: the server's message, and the input field it is about. */
export interface Problem {
  message: string;
  /** The failing input field (`email`, `file`, `tags`…), when the server named one. */
  field?: string;
  /** The tRPC error code, e.g. `UNAUTHORIZED`, `NOT_FOUND`. */
  code?: string;
  /** One message per failing field, when bad input failed on several fields at once. */
  fieldMessages?: Record<string, string>;
}

/** The error an API call failed with, as thrown by the upload request (tRPC calls throw TRPCClientError). */
export class ApiError extends Error implements Problem {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly code?: string,
    readonly field?: string,
    /** For TOO_MANY_REQUESTS: how long the server asked us to wait before sending again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const OFFLINE = "Can't reach Glimpse right now. Check your connection and try again.";

interface ErrorData {
  code?: string;
  field?: string;
  /** One message per failing field (the server's `data.fieldErrors`). */
  fieldErrors?: Record<string, string>;
}

export function describeProblem(error: unknown): Problem {
  if (error instanceof ApiError) return { message: error.message, code: error.code, field: error.field };
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? undefined) as ErrorData | undefined;
    // No shape means the request never got an answer from our API (network down, proxy error page).
    if (!error.shape) return { message: OFFLINE };
    return { message: error.message, code: data?.code, field: data?.field ?? undefined, fieldMessages: data?.fieldErrors ?? undefined };
  }
  if (error instanceof TypeError) return { message: OFFLINE };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The message for `field` if the problem is about it (without the "field: " prefix). */
export function problemFor(problem: Problem | null, field: string): string | undefined {
  if (!problem) return undefined;
  if (problem.fieldMessages) return problem.fieldMessages[field];
  return problem.field === field ? problem.message : undefined;
}

/** The message when it is not about the form's own fields (shown at the top of the form). */
export function generalProblem(problem: Problem | null, fields: readonly string[]): string | undefined {
  if (!problem) return undefined;
  const about = problem.fieldMessages ? Object.keys(problem.fieldMessages) : problem.field ? [problem.field] : [];
  return about.length > 0 && about.every((field) => fields.includes(field)) ? undefined : problem.message;
}
