/**
 * A deliberately tiny EXIF reader: only the camera facts Glimpse shows (make, model,
 * lens, capture time). sharp hands us the raw EXIF block; anything malformed yields
 * no facts rather than an error, since EXIF is optional and often broken.
 */

export interface CameraFacts {
  make?: string;
  model?: string;
  takenAt?: string;
  lens?: string;
}

const TAG = {
  make: 0x010f,
  model: 0x0110,
  dateTime: 0x0132,
  exifIfd: 0x8769,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
  lensModel: 0xa434,
} as const;

const ASCII = 2;
const MAX_ENTRIES = 1000;

interface Entry {
  type: number;
  count: number;
  /** Offset (within the TIFF block) of the entry's 4-byte value/offset field. */
  at: number;
}

export function readCameraFacts(exif: Buffer | undefined): CameraFacts {
  if (!exif || exif.length < 8) return {};
  try {
    return parseTiff(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif);
  } catch {
    return {}; // out-of-range offsets in a corrupt block
  }
}

function parseTiff(t: Buffer): CameraFacts {
  const order = t.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return {};
  const le = order === 'II';
  const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  if (u16(2) !== 42) return {};

  const readIfd = (offset: number): Map<number, Entry> => {
    const entries = new Map<number, Entry>();
    const n = Math.min(u16(offset), MAX_ENTRIES);
    for (let i = 0; i < n; i++) {
      const e = offset + 2 + i * 12;
      entries.set(u16(e), { type: u16(e + 2), count: u32(e + 4), at: e + 8 });
    }
    return entries;
  };
  const text = (entry: Entry | undefined): string | undefined => {
    if (!entry || entry.type !== ASCII || entry.count === 0 || entry.count > 1024) return undefined;
    const start = entry.count <= 4 ? entry.at : u32(entry.at);
    if (start + entry.count > t.length) return undefined;
     
    const value = t.toString('utf8', start, start + entry.count).replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
    return value || undefined;
  };

  const ifd0 = readIfd(u32(4));
  const exifPointer = ifd0.get(TAG.exifIfd);
  const exifIfd = exifPointer ? readIfd(u32(exifPointer.at)) : new Map<number, Entry>();

  const facts: CameraFacts = {};
  const make = text(ifd0.get(TAG.make));
  const model = text(ifd0.get(TAG.model));
  const lens = text(exifIfd.get(TAG.lensModel));
  const takenAt = isoDate(text(exifIfd.get(TAG.dateTimeOriginal)) ?? text(ifd0.get(TAG.dateTime)), text(exifIfd.get(TAG.offsetTimeOriginal)));
  if (make) facts.make = make;
  if (model) facts.model = model;
  if (takenAt) facts.takenAt = takenAt;
  if (lens) facts.lens = lens;
  return facts;
}

/** "2024:05:06 07:08:09" (+ "+02:00") -> "2024-05-06T07:08:09+02:00"; no offset means camera-local time. */
function isoDate(value: string | undefined, offset: string | undefined): string | undefined {
  const m = value?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}
