import { GlimpseError } from '@glimpse/errors';
import sharp from 'sharp';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { ACCEPTED_FORMATS_SENTENCE, decodeFailure, tooManyPixels } from './errors';
import { readCameraFacts } from './exif';
import type { CameraFacts } from './exif';
import { differenceHash, placeholderAndColour, rawInput } from './hashes';
import type { RawImage } from './hashes';
import { ACCEPTED_DECODERS } from './inspect';
import { isTiff } from './tiff-directory';
import { readableTiff } from './tiff-readable';

export type VariantName = 'thumb' | 'medium' | 'large';
export type VariantFormat = 'webp' | 'jpeg';

export interface VariantSpec {
  name: VariantName;
  /** Longest edge in pixels; smaller originals are never enlarged. */
  maxEdge: number;
}

export const VARIANT_SPECS: readonly VariantSpec[] = Object.freeze([
  Object.freeze({ name: 'thumb', maxEdge: 480 }),
  Object.freeze({ name: 'medium', maxEdge: 1280 }),
  Object.freeze({ name: 'large', maxEdge: 2560 }),
] as const);

export const VARIANT_FORMATS: readonly VariantFormat[] = Object.freeze(['webp', 'jpeg'] as const);

export interface ProcessedVariant {
  name: VariantName;
  format: VariantFormat;
  contentType: string;
  width: number;
  height: number;
  data: Buffer;
}

export interface ProcessedImage {
  /** Upright (after auto-orient) dimensions of the original, or of the edited image when edits were given. */
  width: number;
  height: number;
  animated: boolean;
  /** ThumbHash, base64. */
  placeholder: string;
  /** '#rrggbb'. */
  dominantColor: string;
  /** 64-bit dHash of the upright image, 16 lowercase hex digits; compare with `hammingDistance`. */
  perceptualHash: string;
  /** Facts read from EXIF before it is stripped from every output. */
  camera: CameraFacts;
  /** Every VARIANT_SPECS entry in every VARIANT_FORMATS format (6 outputs). */
  variants: ProcessedVariant[];
}

export interface ProcessOptions {
  maxPixels: number;
  webpQuality?: number;
  jpegQuality?: number;
  /** The owner's edits, reduced to one crop of the upright original, a mirror, then quarter turns clockwise. */
  edit?: RenderEdit;
}

export interface RenderEdit {
  crop: { left: number; top: number; width: number; height: number };
  flipHorizontal: boolean;
  quarterTurns: 0 | 1 | 2 | 3;
}

const WHITE = '#ffffff';

async function toRaw(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** A smaller raw image from a bigger one (no decode involved); returns `img` itself if it already fits. */
async function shrink(img: RawImage, maxEdge: number): Promise<RawImage> {
  if (img.width <= maxEdge && img.height <= maxEdge) return img;
  return toRaw(rawInput(img).resize(maxEdge, maxEdge, { fit: 'inside' }));
}

async function encode(img: RawImage, name: VariantName, format: VariantFormat, quality: number): Promise<ProcessedVariant> {
  const hasAlpha = img.channels === 2 || img.channels === 4;
  const pipeline =
    format === 'webp'
      ? rawInput(img).webp({ quality })
      : (hasAlpha ? rawInput(img).flatten({ background: WHITE }) : rawInput(img)).jpeg({ quality, progressive: true, mozjpeg: false });
  // Raw input carries no metadata and we never call keepExif/withMetadata, so outputs have no EXIF, XMP or GPS.
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { name, format, contentType: `image/${format}`, width: info.width, height: info.height, data };
}

/**
 * Decodes the original once, auto-oriented, in sRGB and already shrunk to the largest
 * variant (libvips shrinks JPEG/WebP on load when the resize is in the same pipeline),
 * then derives every smaller size, encode and hash from that raw buffer.
 *
 * Animated GIF/WebP: all variants are a still of the first frame (only that frame is
 * decoded). Animated WebP outputs would need every frame decoded and resized, which
 * breaks the decode-once budget; `animated` tells clients to fetch the original if needed.
 */
export async function processImage(original: Buffer, options: ProcessOptions): Promise<ProcessedImage> {
  const { maxPixels, webpQuality = 80, jpegQuality = 82 } = options;
  const input: SharpOptions = { failOn: 'truncated', limitInputPixels: maxPixels };
  if (original.length === 0) throw new GlimpseError('UPLOAD_EMPTY', 'The file is empty (0 bytes); choose a photo and upload it again.');

  // a valid TIFF in a layout libvips does not read is rewritten into one it does (or refused by name)
  const source = isTiff(original) ? await readableTiff(original, maxPixels) : original;
  let meta: Metadata;
  try {
    meta = await sharp(source, { ...input, limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeFailure(error, original);
  }
  if (!ACCEPTED_DECODERS.has(meta.format) || (meta.format === 'heif' && meta.compression !== 'av1')) {
    // (an old-style JPEG TIFF arrives here as the JPEG it embeds: accepted)
    throw new GlimpseError('UNSUPPORTED_IMAGE_TYPE', `The file is a ${String(meta.format).toUpperCase()} image; ${ACCEPTED_FORMATS_SENTENCE}`);
  }
  if (meta.width * meta.height > maxPixels) throw tooManyPixels(meta.width, meta.height, maxPixels);

  const bySize = [...VARIANT_SPECS].sort((a, b) => b.maxEdge - a.maxEdge);
  const largestEdge = bySize[0]?.maxEdge ?? 2560;
  const upright = { width: meta.autoOrient.width, height: meta.autoOrient.height };
  const edit = options.edit;
  const crop = edit && (edit.crop.left > 0 || edit.crop.top > 0 || edit.crop.width < upright.width || edit.crop.height < upright.height) ? edit.crop : undefined;
  if (crop && (crop.left + crop.width > upright.width || crop.top + crop.height > upright.height)) {
    throw new GlimpseError('INVALID_INPUT', `The crop ${crop.width}×${crop.height} at ${crop.left},${crop.top} does not fit the ${upright.width}×${upright.height} original.`);
  }
  let decoded: RawImage;
  try {
    // An extract after auto-orient cuts in upright coordinates, before the shrink.
    const oriented = sharp(source, input).rotate();
    decoded = await toRaw(
      (crop ? oriented.extract(crop) : oriented).resize(largestEdge, largestEdge, { fit: 'inside', withoutEnlargement: true }).toColourspace('srgb'),
    );
  } catch (error) {
    throw decodeFailure(error, original);
  }
  // Mirror and turn the shrunk pixels, each on its own pass (one pipeline would pick its own order).
  if (edit?.flipHorizontal) decoded = await toRaw(rawInput(decoded).flop());
  if (edit && edit.quarterTurns > 0) decoded = await toRaw(rawInput(decoded).rotate(90 * edit.quarterTurns));
  const turned = edit ? edit.quarterTurns % 2 === 1 : false;
  const cropped = crop ?? upright;
  const size = edit ? (turned ? { width: cropped.height, height: cropped.width } : { width: cropped.width, height: cropped.height }) : upright;

  // Each size is shrunk from the next larger one; encodes start as soon as their size is ready.
  const raws = new Map<VariantName, Promise<RawImage>>();
  let previous = Promise.resolve(decoded);
  for (const spec of bySize) {
    previous = previous.then((img) => shrink(img, spec.maxEdge));
    raws.set(spec.name, previous);
  }
  const smallest = previous;

  const quality: Record<VariantFormat, number> = { webp: webpQuality, jpeg: jpegQuality };
  const [variants, extras, perceptualHash] = await Promise.all([
    Promise.all(
      VARIANT_SPECS.flatMap((spec) =>
        VARIANT_FORMATS.map(async (format) => encode(await raws.get(spec.name)!, spec.name, format, quality[format])),
      ),
    ),
    smallest.then(placeholderAndColour),
    smallest.then(differenceHash),
  ]);

  return {
    width: size.width,
    height: size.height,
    animated: (meta.format === 'gif' || meta.format === 'webp') && (meta.pages ?? 1) > 1,
    placeholder: extras.placeholder,
    dominantColor: extras.dominantColor,
    perceptualHash,
    camera: readCameraFacts(meta.exif),
    variants,
  };
}
