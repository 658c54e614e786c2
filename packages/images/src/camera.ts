/**
 * Camera facts are fields of an image, never tags: what the processor read from EXIF
 * (`images.camera`), shown on the image page and searched as the `camera` facet.
 */
export interface CameraDetail {
  make: string | null;
  model: string | null;
  lens: string | null;
  /** As the camera wrote it, ISO 8601, with its offset when the camera gave one. */
  takenAt: string | null;
  /** Make and model as one name, the make not repeated ("Canon EOS 5D"); what the `camera` facet lists. */
  label: string | null;
}

/** Longest camera label kept (EXIF strings may be up to 1 KiB). */
export const MAX_CAMERA_LABEL = 100;

/** Words makers put after their name in EXIF ("NIKON CORPORATION", "OLYMPUS IMAGING CORP.", "EASTMAN KODAK COMPANY"). */
const CORPORATE = new Set(['corporation', 'corp', 'co', 'ltd', 'inc', 'company', 'imaging', 'optical', 'electronics', 'gmbh', 'ag', 'sa', 'kg', 'llc']);

const tidy = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  // Commas separate values in a search URL (`camera=a,b`), so a label never holds one.
  const text = value.replace(/[\s,]+/g, ' ').trim();
  return text || null;
};

function shortMake(make: string): string {
  const words = make.split(' ');
  while (words.length > 1 && CORPORATE.has((words[words.length - 1] as string).toLowerCase().replace(/[.,]/g, ''))) words.pop();
  return words.join(' ').replace(/[.,]+$/, '');
}

/** "Apple" + "iPhone 12" → "Apple iPhone 12"; "Canon" + "Canon EOS 5D" → "Canon EOS 5D"; "NIKON CORPORATION" + "NIKON D750" → "NIKON D750". */
export function cameraLabel(make: unknown, model: unknown): string | null {
  const maker = tidy(make);
  const name = tidy(model);
  let label: string | null;
  if (!maker) label = name;
  else {
    const short = shortMake(maker);
    if (!name) label = short;
    else {
      const lower = name.toLowerCase();
      const repeats = [maker, short, ...maker.split(' ')].some((word) => {
        const prefix = word.toLowerCase();
        return prefix.length > 1 && (lower === prefix || lower.startsWith(`${prefix} `) || lower.startsWith(`${prefix}-`));
      });
      label = repeats ? name : `${short} ${name}`;
    }
  }
  return label ? label.slice(0, MAX_CAMERA_LABEL).trim() : null;
}

/** The camera block of an image's page, or null when its EXIF named nothing. */
export function cameraDetail(camera: Record<string, unknown> | null | undefined): CameraDetail | null {
  if (!camera) return null;
  const detail: CameraDetail = {
    make: tidy(camera.make),
    model: tidy(camera.model),
    lens: tidy(camera.lens),
    takenAt: tidy(camera.takenAt),
    label: cameraLabel(camera.make, camera.model),
  };
  return Object.values(detail).some((value) => value !== null) ? detail : null;
}
