interface NoticeProps {
  message: string;
  tone?: 'error' | 'info';
  onRetry?: () => void;
}

/** A message in the flow of the page; errors are announced to screen readers. */
export function Notice({ message, tone = 'info', onRetry }: NoticeProps) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span>{message}</span>
      {onRetry && (
        <button type="button" className="button-quiet" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
