/**
 * Domain errors with stable codes. Packages throw these; only the HTTP edge turns them
 * into tRPC errors (see `apiErrorCode`), so the same error reads the same everywhere.
 */

/** The tRPC error code a domain error becomes at the edge. */
export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const apiCodeByDomainCode = {
  INVALID_INPUT: 'BAD_REQUEST',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  INVALID_TOKEN: 'UNAUTHORIZED',
  /** A verification or password-reset link that is unknown, used already, or expired. */
  INVALID_LINK: 'BAD_REQUEST',
  /** The current password, asked again before a sensitive change, was wrong (not a sign-in: the session stays). */
  WRONG_PASSWORD: 'BAD_REQUEST',
  NOT_SIGNED_IN: 'UNAUTHORIZED',
  NOT_ALLOWED: 'FORBIDDEN',
  ACCOUNT_DISABLED: 'FORBIDDEN',
  /** The deployment asks for a confirmed address before this (REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD). */
  EMAIL_NOT_VERIFIED: 'FORBIDDEN',
  USER_NOT_FOUND: 'NOT_FOUND',
  IMAGE_NOT_FOUND: 'NOT_FOUND',
  IMPORT_NOT_FOUND: 'NOT_FOUND',
  EXPORT_NOT_FOUND: 'NOT_FOUND',
  /** A multipart body that is not what the procedure takes (no file, a broken form). */
  INVALID_FORM: 'BAD_REQUEST',
  ALBUM_NOT_FOUND: 'NOT_FOUND',
  /** An edit or undo asked of an image that is not ready, or with no edit left to undo. */
  IMAGE_NOT_EDITABLE: 'CONFLICT',
  EMAIL_TAKEN: 'CONFLICT',
  USERNAME_TAKEN: 'CONFLICT',
  UPLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  QUOTA_EXCEEDED: 'PAYLOAD_TOO_LARGE',
  UPLOAD_EMPTY: 'BAD_REQUEST',
  IMAGE_TOO_MANY_PIXELS: 'BAD_REQUEST',
  UNSUPPORTED_IMAGE_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  IMAGE_UNDECODABLE: 'BAD_REQUEST',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  STORAGE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  DATABASE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  QUEUE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  RECOMMENDER_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  SEARCH_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  SEARCH_COLLECTION_MISSING: 'SERVICE_UNAVAILABLE',
  // The engine refused a request we built: our bug, not the client's.
  SEARCH_REQUEST_REJECTED: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<string, ApiErrorCode>;

export type DomainErrorCode = keyof typeof apiCodeByDomainCode;

export class GlimpseError extends Error {
  override readonly name: string = 'GlimpseError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field that was wrong, when there is one. */
    readonly field?: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** For RATE_LIMITED: when the client may try again (sent as `Retry-After` and `data.retryAfter`). */
  readonly retryAfterSeconds?: number;

  get apiCode(): ApiErrorCode {
    return apiCodeByDomainCode[this.code];
  }
}

export function isGlimpseError(error: unknown): error is GlimpseError {
  return error instanceof GlimpseError;
}

/** Shorthands for the errors thrown most often. */
export const notFound = (what: 'image' | 'user', id: string) =>
  new GlimpseError(what === 'image' ? 'IMAGE_NOT_FOUND' : 'USER_NOT_FOUND', `No ${what} ${JSON.stringify(id)} exists, or you may not see it.`);

export const invalidInput = (field: string, message: string) => new GlimpseError('INVALID_INPUT', `${field}: ${message}`, field);
