import { useCallback, useEffect, useState } from 'react';
import { describeProblem, type Problem } from './errors';

export type QueryState<T> = { status: 'loading' } | { status: 'error'; problem: Problem } | { status: 'done'; data: T };

/** Runs `load` when `key` changes; the latest answer wins. `reload` runs it again. */
export function useQuery<T>(key: string, load: () => Promise<T>): QueryState<T> & { reload: () => void; set: (data: T) => void } {
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    load().then(
      (data) => live && setState({ status: 'done', data }),
      (error: unknown) => live && setState({ status: 'error', problem: describeProblem(error) }),
    );
    return () => {
      live = false;
    };
    // `key` names everything `load` depends on, so `load` itself is left out.
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ status: 'done', data }), []);
  return { ...state, reload, set };
}
