/** A coloured pill for an image's state: pending, processing, ready, failed (and upload-only states). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge badge-${status}`}>{label ?? status[0]!.toUpperCase() + status.slice(1)}</span>;
}
