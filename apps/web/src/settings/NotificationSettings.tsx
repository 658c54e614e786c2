import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';

const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'Deutsch' },
] as const;

/** Which emails Glimpse sends you, and in which language; each change is saved at once. */
export function NotificationSettings() {
  const queryClient = useQueryClient();
  const preferences = useQuery(trpc.auth.notificationPreferences.queryOptions());
  const key = trpc.auth.notificationPreferences.queryKey();
  // The box flips at once; a refusal puts it back (and says why).
  const update = useMutation(
    trpc.auth.updateNotificationPreferences.mutationOptions({
      onMutate: (change) => {
        const before = queryClient.getQueryData(key);
        if (before) queryClient.setQueryData(key, { ...before, ...change });
        return { before };
      },
      onError: (_error, _change, context) => {
        if (context?.before) queryClient.setQueryData(key, context.before);
      },
      onSuccess: (saved) => queryClient.setQueryData(key, saved),
    }),
  );
  const problem = (update.error && describeProblem(update.error)) || (preferences.error && describeProblem(preferences.error));
  const current = preferences.data;
  return (
    <section className="settings-section" aria-labelledby="settings-notifications">
      <h2 id="settings-notifications">Email</h2>
      {problem && <Notice tone="error" message={problem.message} />}
      {current && (
        <>
          <label className="check-field">
            <input type="checkbox" name="likesDigest" checked={current.likesDigest} disabled={update.isPending} onChange={(event) => update.mutate({ likesDigest: event.target.checked })} />
            <span>
              Daily digest of likes
              <small>One email a day at most, when people liked your photos the day before.</small>
            </span>
          </label>
          <label className="check-field">
            <input type="checkbox" name="uploadFailed" checked={current.uploadFailed} disabled={update.isPending} onChange={(event) => update.mutate({ uploadFailed: event.target.checked })} />
            <span>
              When an upload fails
              <small>You see it under the bell either way.</small>
            </span>
          </label>
          <label className="field">
            <span className="field-label">Language of your email</span>
            <select name="language" value={current.language} disabled={update.isPending} onChange={(event) => update.mutate({ language: event.target.value as (typeof LANGUAGES)[number]['value'] })}>
              {LANGUAGES.map((language) => (
                <option key={language.value} value={language.value}>
                  {language.label}
                </option>
              ))}
            </select>
          </label>
          {update.isSuccess && <p className="settings-saved" role="status">Saved.</p>}
        </>
      )}
    </section>
  );
}
