import { GlimpseError } from '@glimpse/errors';

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
 * Turns a sharp/libvips failure into a short reason a person can act on. The raw
 * message (which may name libvips internals) is kept only as the error's `cause`.
 */
export function decodeFailure(error: unknown): GlimpseError {
  const message = error instanceof Error ? error.message : String(error);
  if (/premature end|truncat|unexpected end|end of (file|stream|data)|short read|not enough data|read error|out of data/i.test(message)) {
    return undecodable('the file is truncated (it may not have finished uploading)', error);
  }
  if (/unsupported image format/i.test(message)) {
    return undecodable('the data is not in a known image format', error);
  }
  if (/pixel limit/i.test(message)) {
    return new GlimpseError('IMAGE_TOO_MANY_PIXELS', 'The image has more pixels than this server accepts. Scale it down and upload it again.', undefined, { cause: error });
  }
  return undecodable('the image data is corrupt', error);
}
