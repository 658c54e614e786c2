import { GlimpseError } from '@glimpse/errors';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { ACCEPTED_FORMATS_SENTENCE, decodeFailure, tooManyPixels, undecodable } from './errors';
import { isTiff } from './tiff-directory';
import { checkTiffRewrite, tiffRewrite } from './tiff-readable';

export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff';

export interface UploadLimits {
  maxPixels: number;
}

export interface InspectedImage {
  format: SourceFormat;
  mimeType: string;
  width: number;
  height: number;
  pages: number;
}

interface FormatInfo {
  format: SourceFormat;
  mimeType: string;
  /** The name sharp's `metadata().format` reports for this format (AVIF is read by libheif). */
  decoder: string;
}

const byMime: Record<string, FormatInfo> = {
  'image/jpeg': { format: 'jpeg', mimeType: 'image/jpeg', decoder: 'jpeg' },
  'image/png': { format: 'png', mimeType: 'image/png', decoder: 'png' },
  'image/apng': { format: 'png', mimeType: 'image/png', decoder: 'png' },
  'image/webp': { format: 'webp', mimeType: 'image/webp', decoder: 'webp' },
  'image/avif': { format: 'avif', mimeType: 'image/avif', decoder: 'heif' },
  'image/gif': { format: 'gif', mimeType: 'image/gif', decoder: 'gif' },
  'image/tiff': { format: 'tiff', mimeType: 'image/tiff', decoder: 'tiff' },
};

/** sharp decoder names we are willing to run on stored originals. */
export const ACCEPTED_DECODERS: ReadonlySet<string> = new Set(Object.values(byMime).map((f) => f.decoder));

/** What a refused type is, and whether it is a picture (then the message never says "not a photo"). */
const namedTypes: Record<string, { what: string; picture: boolean }> = {
  'application/pdf': { what: 'a PDF document', picture: false },
  'image/heic': { what: 'a HEIC photo (export it as JPEG first)', picture: true },
  'image/heif': { what: 'a HEIF photo (export it as JPEG first)', picture: true },
  'image/heic-sequence': { what: 'a HEIC image sequence, such as a burst or a Live Photo (export one picture as JPEG first)', picture: true },
  'image/heif-sequence': { what: 'a HEIF image sequence, such as a burst or a Live Photo (export one picture as JPEG first)', picture: true },
  'image/bmp': { what: 'a BMP bitmap', picture: true },
  'image/jxl': { what: 'a JPEG XL image (export it as JPEG first)', picture: true },
  'image/jp2': { what: 'a JPEG 2000 image (export it as JPEG first)', picture: true },
  'image/vnd.adobe.photoshop': { what: 'a Photoshop document', picture: false },
  'application/zip': { what: 'a ZIP archive', picture: false },
  'video/mp4': { what: 'an MP4 video', picture: false },
  'video/quicktime': { what: 'a QuickTime video', picture: false },
};

/** Names what the bytes look like when file-type does not know them (it has no text formats). */
function describeUnknown(bytes: Buffer): string {
  const head = bytes.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.includes('<svg')) return 'an SVG drawing';
  if (head.startsWith('<?xml') || head.startsWith('<!doctype') || head.startsWith('<html')) return 'an XML or HTML document';
  const sample = bytes.subarray(0, 512);
  const printable = sample.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127)).length;
  if (printable === sample.length) return 'a text file';
  return 'not an image format Glimpse recognises';
}

function unsupported(what: string, picture: boolean): GlimpseError {
  // a HEIC photo or a BMP is a picture, just not in a format we take: never "not a photo"
  const prefix = picture || what.startsWith('not ') ? `The file is ${what}` : `The file is ${what}, not a photo`;
  return new GlimpseError('UNSUPPORTED_IMAGE_TYPE', `${prefix}; ${ACCEPTED_FORMATS_SENTENCE}`);
}

/** Any other type file-type knows: an image/* one is a picture in a format we do not take. */
function otherType(mime: string, ext: string): { what: string; picture: boolean } {
  return mime.startsWith('image/') ? { what: `an image in the ${ext.toUpperCase()} format (${mime})`, picture: true } : { what: `of type ${ext.toUpperCase()} (${mime})`, picture: false };
}

/**
 * Called by the upload service BEFORE anything is stored or queued: sniffs the type
 * from magic bytes (never the name or declared type) and reads only the header.
 */
export async function inspectUpload(bytes: Buffer, limits: UploadLimits): Promise<InspectedImage> {
  if (bytes.length === 0) {
    throw new GlimpseError('UPLOAD_EMPTY', 'The file is empty (0 bytes); choose a photo and upload it again.');
  }
  const detected = await fileTypeFromBuffer(bytes);
  // a TIFF cut before its directory has no type file-type can see: say what happened to it
  if (!detected && isTiff(bytes)) throw decodeFailure(undefined, bytes);
  if (!detected || /xml|^text\//.test(detected.mime)) throw unsupported(describeUnknown(bytes), false);
  const info = byMime[detected.mime];
  if (!info) {
    const { what, picture } = namedTypes[detected.mime] ?? otherType(detected.mime, detected.ext);
    throw unsupported(what, picture);
  }

  if (info.format === 'tiff') {
    // A valid TIFF in a layout libvips cannot read as it is (the processor rewrites it):
    // its directory gives the size, and what cannot be rewritten is refused now, by name.
    const rewrite = tiffRewrite(bytes);
    if (rewrite) {
      checkTiffRewrite(rewrite, limits.maxPixels);
      if (rewrite.kind !== 'old-jpeg') return { format: 'tiff', mimeType: info.mimeType, width: rewrite.dir.width, height: rewrite.dir.height, pages: 1 };
    }
  }

  let meta: Metadata;
  try {
    // Header only; the pixel limit is checked below so the message can say by how much.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw undecodable(`its ${info.format.toUpperCase()} header cannot be read`, error);
  }
  if (meta.format !== info.decoder || !meta.width || !meta.height) {
    throw undecodable(`it starts like a ${info.format.toUpperCase()} file but its header is not valid`);
  }
  if (meta.width * meta.height > limits.maxPixels) throw tooManyPixels(meta.width, meta.height, limits.maxPixels);

  return { format: info.format, mimeType: info.mimeType, width: meta.width, height: meta.height, pages: meta.pages ?? 1 };
}
