import type { AuthInputs } from '@glimpse/auth';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';

type ChangeInput = AuthInputs['updateNotificationPreferences'];

const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'Deutsch' },
] as const;

/** Which emails Glimpse sends you, and in which language; each change is saved at once. */
export function NotificationSettings() {
  const queryClient = useQueryClient();
  const preferences = useQuery(trpc.auth.notificationPreferences.queryOptions());
  // What was just chosen shows at once (in the same render as the click); a refusal puts the saved value back.
  const [chosen, setChosen] = useState<ChangeInput>({});
  const update = useMutation(
    trpc.auth.updateNotificationPreferences.mutationOptions({
      onSuccess: (saved) => queryClient.setQueryData(trpc.auth.notificationPreferences.queryKey(), saved),
      onSettled: () => setChosen({}),
    }),
  );
  const change = (input: ChangeInput) => {
    setChosen((before) => ({ ...before, ...input }));
    update.mutate(input);
  };
  const problem = (update.error && describeProblem(update.error)) || (preferences.error && describeProblem(preferences.error));
  const current = preferences.data && { ...preferences.data, ...chosen };
  return (
    <section className="settings-section" aria-labelledby="settings-notifications">
      <h2 id="settings-notifications">Email</h2>
      {problem && <Notice tone="error" message={problem.message} />}
      {current && (
        <>
          <label className="check-field">
            <input type="checkbox" name="likesDigest" checked={current.likesDigest} disabled={update.isPending} onChange={(event) => change({ likesDigest: event.target.checked })} />
            <span>
              Daily digest of likes
              <small>One email a day at most, when people liked your photos the day before.</small>
            </span>
          </label>
          <label className="check-field">
            <input type="checkbox" name="uploadFailed" checked={current.uploadFailed} disabled={update.isPending} onChange={(event) => change({ uploadFailed: event.target.checked })} />
            <span>
              When an upload fails
              <small>You see it under the bell either way.</small>
            </span>
          </label>
          <label className="field">
            <span className="field-label">Language of your email</span>
            <select name="language" value={current.language} disabled={update.isPending} onChange={(event) => change({ language: event.target.value as (typeof LANGUAGES)[number]['value'] })}>
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
