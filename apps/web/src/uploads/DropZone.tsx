import { useEffect, useState, type DragEvent } from 'react';

/** Pick files with the system dialog (keyboard: focus the button, press Enter) or drop them here. */
export function DropZone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    // A file dropped just outside the zone would otherwise replace the page with the file.
    const ignore = (event: globalThis.DragEvent) => event.preventDefault();
    window.addEventListener('dragover', ignore);
    window.addEventListener('drop', ignore);
    return () => {
      window.removeEventListener('dragover', ignore);
      window.removeEventListener('drop', ignore);
    };
  }, []);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) onFiles(files);
  };
  return (
    <div
      className={`dropzone ${dragging ? 'is-dragging' : ''}`}
      onDragEnter={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragOver={(event) => event.preventDefault()}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <p className="dropzone-hint">Drag photos here, or</p>
      <label className="button">
        Choose photos
        <input
          className="visually-hidden"
          type="file"
          name="photos"
          accept="image/*"
          multiple
          onChange={(event) => {
            const files = [...(event.currentTarget.files ?? [])];
            event.currentTarget.value = '';
            if (files.length > 0) onFiles(files);
          }}
        />
      </label>
      <p className="dropzone-note">JPEG, PNG, WebP, AVIF, GIF or TIFF. Many at once is fine.</p>
    </div>
  );
}
