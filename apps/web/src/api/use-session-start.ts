import { useNavigate } from '@tanstack/react-router';
import { safeNextPath } from '../router/paths';
import { describeProblem, type Problem } from './errors';
import { startSession } from './sign-out';

/**
 * What signing in and signing up share: once the server has started a session, keep its
 * tokens and open the page the visitor was on its way to (`next`, never another site).
 */
export function useSessionStart(next: string | undefined) {
  const navigate = useNavigate();
  return async (started: Parameters<typeof startSession>[0]) => {
    startSession(started);
    await navigate({ href: safeNextPath(next), replace: true });
  };
}

/** The form's state from its mutation: the problem to show, and busy until the next page has opened after success. */
export function sessionFormState(submit: { error: unknown; isPending: boolean; isSuccess: boolean }): { problem: Problem | null; busy: boolean } {
  return { problem: submit.error ? describeProblem(submit.error) : null, busy: submit.isPending || submit.isSuccess };
}
