import type { Visibility } from '@glimpse/images';

const OPTIONS = [
  { value: 'public', label: 'Public — in feeds and search' },
  { value: 'unlisted', label: 'Unlisted — anyone with the link' },
  { value: 'private', label: 'Private — only you' },
] as const satisfies ReadonlyArray<{ value: Visibility; label: string }>;

export function VisibilitySelect({ value, onChange, error }: { value: Visibility; onChange: (value: Visibility) => void; error?: string }) {
  return (
    <label className="field">
      <span className="field-label">Visibility</span>
      <select name="visibility" value={value} onChange={(event) => onChange(event.target.value as Visibility)} aria-invalid={error ? true : undefined}>
        {OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}
