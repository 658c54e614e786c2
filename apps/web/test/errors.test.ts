import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { ApiError, describeProblem, generalProblem, problemFor } from '../src/api/errors';

/** A client error as tRPC builds it from the server's JSON error response. */
const serverError = (message: string, data: { code: string; field?: string; fieldErrors?: Record<string, string> }) =>
  TRPCClientError.from({ error: { message, code: -32600, data: { ...data, httpStatus: 400 } } });

describe('describeProblem', () => {
  it('puts each of several bad fields next to its own input', () => {
    const problem = describeProblem(
      serverError('email: expected an email address like name@example.com; password: expected at least 8 characters', {
        code: 'BAD_REQUEST',
        field: 'email',
        fieldErrors: { email: 'expected an email address like name@example.com', password: 'expected at least 8 characters' },
      }),
    );
    expect(problemFor(problem, 'email')).toBe('expected an email address like name@example.com');
    expect(problemFor(problem, 'password')).toBe('expected at least 8 characters');
    expect(problemFor(problem, 'username')).toBeUndefined();
    expect(generalProblem(problem, ['email', 'username', 'password'])).toBeUndefined();
  });

  it('shows a message about no field of the form at the top of the form', () => {
    const problem = describeProblem(serverError('Wrong email/username or password.', { code: 'UNAUTHORIZED' }));
    expect(problem.code).toBe('UNAUTHORIZED');
    expect(problemFor(problem, 'login')).toBeUndefined();
    expect(generalProblem(problem, ['login', 'password'])).toBe('Wrong email/username or password.');
  });

  it('keeps sentences with semicolons whole', () => {
    const message = 'The file is a text file, not a photo; Glimpse accepts JPEG, PNG, WebP, AVIF, GIF and TIFF photos.';
    const problem = describeProblem(new ApiError(message, 'UNSUPPORTED_MEDIA_TYPE'));
    expect(problem.message).toBe(message);
    expect(generalProblem(problem, ['title'])).toBe(message);
  });

  it('says the server cannot be reached when no answer came back', () => {
    expect(describeProblem(new TypeError('Failed to fetch')).message).toMatch(/Can't reach Glimpse/);
    expect(describeProblem(TRPCClientError.from(new TypeError('fetch failed'))).message).toMatch(/Can't reach Glimpse/);
  });
});
