import { GlimpseError } from '@glimpse/errors';
import { isTiff, readTiffDirectory, segmentsPastEnd } from './tiff-directory';

export const ACCEPTED_FORMATS_SENTENCE = 'Glimpse accepts JPEG, PNG, WebP, AVIF, GIF and TIFF photos.';

/** "12.3", "400", "0.01": a pixel count in megapixels, three significant digits. */
export function megapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toPrecision(3)));
}

export function tooManyPixels(width: number, height: number, maxPixels: number): GlimpseError {
  return new GlimpseError(
    'IMAGE_TOO_MANY_PIXELS',
    `The image is ${megapixels(width * height)} megapixels (${width} × ${height}); ` +
      `the limit is ${megapixels(maxPixels)} megapixels. Scale it down and upload it again.`,
  );
}

export function undecodable(reason: string, cause?: unknown): GlimpseError {
  return new GlimpseError('IMAGE_UNDECODABLE', `The image could not be decoded: ${reason}.`, undefined, { cause });
}

/**
 * Turns a sharp/libvips failure into a short reason a person can act on. The reason is
 * read from the file itself, never from libvips's message: libvips keeps one error buffer
 * for the whole process, so while other images decode the message may be theirs. The raw
 * message (which may name libvips internals) is kept only as the error's `cause`.
 */
export function decodeFailure(error: unknown, bytes: Buffer): GlimpseError {
  if (!hasImageSignature(bytes)) return undecodable('the data is not in a known image format', error);
  if (endsEarly(bytes) || tiffEndsEarly(bytes)) return undecodable('the file is truncated (it may not have finished uploading)', error);
  return undecodable('the image data is corrupt', error);
}

/** A TIFF whose strips or tiles lie past the end of the file. */
function tiffEndsEarly(bytes: Buffer): boolean {
  if (!isTiff(bytes) || bytes.length < 8) return false;
  const le = bytes[0] === 0x49;
  const directoryAt = bytes.toString('latin1', 2, 4) === (le ? '*\0' : '\0*') ? (le ? bytes.readUInt32LE(4) : bytes.readUInt32BE(4)) : 0;
  // the directory is often written last: a cut file has none
  if (directoryAt >= bytes.length) return true;
  const dir = readTiffDirectory(bytes);
  return dir !== undefined && segmentsPastEnd(dir, bytes.length);
}

/** Whether the bytes start like one of the formats we accept (JPEG, PNG, GIF, WebP, TIFF, AVIF). */
function hasImageSignature(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 12).toString('latin1');
  return (
    (bytes[0] === 0xff && bytes[1] === 0xd8) ||
    head.startsWith('\x89PNG') ||
    head.startsWith('GIF8') ||
    (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') ||
    head.startsWith('II*\0') ||
    head.startsWith('MM\0*') ||
    head.slice(4, 8) === 'ftyp'
  );
}

/**
 * Whether the file stops before its format's end marker: JPEG's EOI, PNG's IEND, GIF's
 * trailer, or fewer bytes than a RIFF (WebP) header declares. Formats without an end
 * marker (TIFF, AVIF) are never called truncated here.
 */
export function endsEarly(bytes: Buffer): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return tail.indexOf(Buffer.from([0xff, 0xd9])) === -1;
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return tail.indexOf('IEND') === -1;
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return tail.indexOf(0x3b) === -1;
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.length >= 8) return bytes.readUInt32LE(4) + 8 > bytes.length;
  return false;
}
