import { useQuery } from '@tanstack/react-query';
import { trpc } from '../api/queries';

/** "3.2 GB of 10 GB used · 12 of 300 uploads this hour"; fetched again as uploads finish (they invalidate it). */
export function StorageQuota() {
  const quota = useQuery(trpc.upload.quota.queryOptions());
  if (quota.status !== 'success') return null;
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
