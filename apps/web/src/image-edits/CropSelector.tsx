import type { FeedOutputs } from '@glimpse/feed';
import type { CropRectangle } from '@glimpse/images';
import { useRef, useState, type PointerEvent } from 'react';

type ImageDetail = FeedOutputs['image'];

interface CropSelectorProps {
  image: ImageDetail;
  applying: boolean;
  onApply: (crop: CropRectangle) => void;
  onCancel: () => void;
}

const FIELDS = ['left', 'top', 'width', 'height'] as const;

/**
 * Drag a rectangle on the photo (or type it): the crop is sent in full-resolution pixels
 * of the photo as it looks now, whatever size it is drawn at here.
 */
export function CropSelector({ image, applying, onApply, onCancel }: CropSelectorProps) {
  const [crop, setCrop] = useState<CropRectangle>({ left: 0, top: 0, width: image.width, height: image.height });
  const frame = useRef<HTMLDivElement>(null);
  const dragFrom = useRef<{ x: number; y: number } | null>(null);

  /** The pointer's position in the photo's own pixels, kept inside it. */
  const toPixels = (event: PointerEvent) => {
    const box = frame.current!.getBoundingClientRect();
    const clamp = (value: number, max: number) => Math.min(Math.max(Math.round(value), 0), max);
    return { x: clamp(((event.clientX - box.left) / box.width) * image.width, image.width), y: clamp(((event.clientY - box.top) / box.height) * image.height, image.height) };
  };
  const onPointerDown = (event: PointerEvent) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    dragFrom.current = toPixels(event);
  };
  const onPointerMove = (event: PointerEvent) => {
    const from = dragFrom.current;
    if (!from) return;
    const to = toPixels(event);
    setCrop({ left: Math.min(from.x, to.x), top: Math.min(from.y, to.y), width: Math.max(1, Math.abs(to.x - from.x)), height: Math.max(1, Math.abs(to.y - from.y)) });
  };
  const percent = (value: number, of: number) => `${(value / of) * 100}%`;

  return (
    <form
      className="crop-selector"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(crop);
      }}
    >
      <div
        ref={frame}
        className="crop-frame"
        style={{ aspectRatio: `${image.width} / ${image.height}` }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (dragFrom.current = null)}
        aria-label="Drag to choose the part to keep"
      >
        <img src={image.urls.medium.jpeg} alt="" draggable={false} />
        <div
          className="crop-rectangle"
          data-testid="crop-rectangle"
          style={{ left: percent(crop.left, image.width), top: percent(crop.top, image.height), width: percent(crop.width, image.width), height: percent(crop.height, image.height) }}
        />
      </div>
      <div className="crop-fields">
        {FIELDS.map((field) => (
          <label key={field} className="field">
            <span className="field-label">{field[0]!.toUpperCase() + field.slice(1)}</span>
            <input type="number" name={`crop-${field}`} min={field === 'width' || field === 'height' ? 1 : 0} step={1} value={crop[field]} onChange={(event) => setCrop({ ...crop, [field]: Number(event.target.value) })} />
          </label>
        ))}
      </div>
      <p className="field-hint">
        In pixels of the photo as it is now ({image.width} × {image.height}).
      </p>
      <div className="form-actions">
        <button type="submit" className="button" disabled={applying}>
          {applying ? 'Cropping…' : 'Apply crop'}
        </button>
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
