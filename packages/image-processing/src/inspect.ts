import { GlimpseError } from '@glimpse/errors';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { ACCEPTED_FORMATS_SENTENCE, tooManyPixels, undecodable } from './errors';

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

const namedTypes: Record<string, string> = {
  'application/pdf': 'a PDF document',
  'image/heic': 'a HEIC photo (export it as JPEG first)',
  'image/heif': 'a HEIF photo (export it as JPEG first)',
  'image/bmp': 'a BMP bitmap',
  'image/jxl': 'a JPEG XL image',
  'image/vnd.adobe.photoshop': 'a Photoshop document',
  'application/zip': 'a ZIP archive',
  'video/mp4': 'an MP4 video',
  'video/quicktime': 'a QuickTime video',
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

function unsupported(what: string): GlimpseError {
  // "a HEIC photo (export it as JPEG first)" is a photo, just not one we take.
  const prefix = what.startsWith('not ') || what.includes('photo') ? `The file is ${what}` : `The file is ${what}, not a photo`;
  return new GlimpseError('UNSUPPORTED_IMAGE_TYPE', `${prefix}; ${ACCEPTED_FORMATS_SENTENCE}`);
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
  if (!detected || /xml|^text\//.test(detected.mime)) throw unsupported(describeUnknown(bytes));
  const info = byMime[detected.mime];
  if (!info) {
    throw unsupported(namedTypes[detected.mime] ?? `of type ${detected.ext.toUpperCase()} (${detected.mime})`);
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
