import { upload } from '../api/trpc';
import { useQuery } from '../api/use-query';

/** "3.2 GB of 10 GB used · 12 of 300 uploads this hour", refreshed when `refreshKey` changes. */
export function StorageQuota({ refreshKey = '' }: { refreshKey?: string }) {
  const quota = useQuery(`quota:${refreshKey}`, () => upload.quota.query());
  if (quota.status !== 'done') return null;
  const { summary, usedBytes, quotaBytes, uploadsThisHour, uploadsPerHour } = quota.data;
  const share = Math.min(1, usedBytes / quotaBytes);
  return (
    <p className="storage-quota" aria-label="Storage used">
      <meter min={0} max={1} value={share} high={0.9} />
      <span>
        {summary} · {uploadsThisHour} of {uploadsPerHour} uploads this hour
      </span>
    </p>
  );
}
