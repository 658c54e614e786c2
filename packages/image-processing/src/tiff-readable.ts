import { GlimpseError } from '@glimpse/errors';
import { endianness } from 'node:os';
import sharp from 'sharp';
import { megapixels, tooManyPixels, undecodable } from './errors';
import { COMPRESSION, PHOTOMETRIC, readTiffDirectory, TAG, uncompressedTiff, withDirectory, type TiffDirectory, type WrittenEntry } from './tiff-directory';
import { CorruptSegment, DECODABLE_COMPRESSIONS, readSamples } from './tiff-samples';
import { rewriteOffThread } from './tiff-thread';

/**
 * Valid TIFFs that libvips (as sharp ships it) does not read, handed to it in a layout it does:
 *   - old-style JPEG (compression 6): the JPEG stream the file embeds;
 *   - tiles with separate planes: each plane as a TIFF of its own (same compressed tiles,
 *     decoded by libvips), joined into one contiguous image;
 *   - samples of 10, 12 or 14 bits: widened to 16 bits;
 *   - 8-bit CIELab (libvips makes it LabQ, which sharp cannot take): as 16-bit CIELab.
 * The decision is made from the file's own directory, never from a libvips message. Any
 * other TIFF is returned as it is. A layout that cannot be handed over is refused by name.
 */
export async function readableTiff(bytes: Buffer, maxPixels: number): Promise<Buffer> {
  const plan = tiffRewrite(bytes);
  if (!plan) return bytes;
  checkTiffRewrite(plan, maxPixels);
  const { dir, kind } = plan;
  if (kind === 'old-jpeg') return embeddedJpeg(bytes, dir);
  return (await rewriteOffThread(bytes)) ?? rewrittenTiff(bytes);
}

/**
 * The costly rewrites, pixel by pixel in JavaScript: planes joined into one image, and wide or
 * 8-bit CIELab samples decoded (inflate, LZW, unpacking) and written as 16 bits; whole seconds
 * of a core for a large file. readableTiff runs them on a thread of their own (tiff-thread.ts),
 * so the event loop never waits for them.
 */
export async function rewrittenTiff(bytes: Buffer): Promise<Buffer> {
  const plan = tiffRewrite(bytes);
  if (!plan || plan.kind === 'old-jpeg') throw new Error('rewrittenTiff: not a TIFF of planar tiles, wide or CIELab samples');
  const { dir, kind } = plan;
  if (kind === 'planar-tiles') return joinedPlanes(bytes, dir);
  let samples: Uint16Array;
  try {
    samples = await readSamples(bytes, dir);
  } catch (error) {
    if (error instanceof CorruptSegment) throw undecodable(`the image data is corrupt (${error.message})`, error);
    throw error;
  }
  return kind === 'lab8' ? lab16Tiff(samples, dir) : widenedTiff(samples, dir, dir.bitsPerSample[0]!);
}

export interface TiffRewrite {
  kind: 'old-jpeg' | 'planar-tiles' | 'wide-samples' | 'lab8';
  bytes: Buffer;
  dir: TiffDirectory;
  /** "with planar tiles of 8-bit RGB", "of 12-bit grey": for messages. */
  layout: string;
}

/** How a TIFF must be rewritten for libvips, from its first directory (cheap: no pixel is read); undefined if it reads as it is. */
export function tiffRewrite(bytes: Buffer): TiffRewrite | undefined {
  const dir = readTiffDirectory(bytes);
  if (!dir || !dir.width || !dir.height) return undefined;
  const bits = dir.bitsPerSample[0]!;
  const layout = describe(dir);
  if (dir.compression === COMPRESSION.oldJpeg) return { kind: 'old-jpeg', bytes, dir, layout };
  if (![1, 2, 4, 8, 16, 32, 64].includes(bits)) return { kind: 'wide-samples', bytes, dir, layout };
  if (dir.photometric === PHOTOMETRIC.cieLab && bits === 8) return { kind: 'lab8', bytes, dir, layout };
  if (dir.tiled && dir.planar === 2 && dir.samplesPerPixel > 1) return { kind: 'planar-tiles', bytes, dir, layout };
  return undefined;
}

/**
 * Refuses, by name, what cannot be rewritten (and, before any pixel is decoded, what is too
 * big): the upload service calls it at upload time, the processor again before rewriting.
 */
export function checkTiffRewrite({ bytes, dir, kind, layout }: TiffRewrite, maxPixels: number): void {
  const pixels = dir.width * dir.height;
  if (pixels > maxPixels) throw tooManyPixels(dir.width, dir.height, maxPixels);
  if (kind === 'old-jpeg') {
    embeddedJpegStart(bytes.length, dir, bytes);
    return;
  }
  if (pixels > REWRITE_MAX_PIXELS) {
    throw unsupported(`a TIFF ${layout} of ${megapixels(pixels)} megapixels: Glimpse rewrites such files up to ${megapixels(REWRITE_MAX_PIXELS)} megapixels; save it as a JPEG or a plain 8- or 16-bit TIFF`);
  }
  const bits = dir.bitsPerSample[0]!;
  if (dir.bitsPerSample.some((b) => b !== bits) || dir.sampleFormat > 2 || (dir.value(TAG.FillOrder) ?? 1) !== 1) {
    throw unsupported(`a TIFF ${layout} with mixed or floating-point samples, which is not supported`);
  }
  if (kind === 'planar-tiles') {
    if ((bits !== 8 && bits !== 16) || dir.photometric === PHOTOMETRIC.ycbcr || dir.photometric === PHOTOMETRIC.palette) throw unsupported(`a TIFF ${layout}, which is not supported`);
    return;
  }
  if (!DECODABLE_COMPRESSIONS.has(dir.compression)) throw unsupported(`a TIFF ${layout} compressed with ${compressionName(dir.compression)}, which is not supported`);
  if (dir.predictor === 2 && bits !== 8) throw unsupported(`a TIFF ${layout} with a horizontal predictor, which is not supported`);
  if (kind === 'wide-samples' && ![PHOTOMETRIC.minIsWhite, PHOTOMETRIC.minIsBlack, PHOTOMETRIC.rgb, PHOTOMETRIC.cmyk].includes(dir.photometric as 0)) {
    throw unsupported(`a TIFF ${layout}, which is not supported`);
  }
}

/** Rewrites cost about 4 bytes per sample of memory twice over: bounded well below the worker's memory. */
const REWRITE_MAX_PIXELS = 50_000_000;

function unsupported(what: string): GlimpseError {
  return new GlimpseError('UNSUPPORTED_IMAGE_TYPE', `The file is ${what}; save it as a JPEG or as a plain TIFF (8 or 16 bits, strips or contiguous tiles) and upload it again.`);
}

function describe(dir: TiffDirectory): string {
  const bits = dir.bitsPerSample[0]!;
  if (dir.tiled && dir.planar === 2) return `with planar tiles of ${bits}-bit ${photometricName(dir.photometric)}`;
  return `of ${bits}-bit ${photometricName(dir.photometric)}`;
}

function photometricName(photometric: number): string {
  return (
    { 0: 'grey (white is zero)', 1: 'grey', 2: 'RGB', 3: 'palette', 5: 'CMYK', 6: 'YCbCr', 8: 'CIELab' } as Record<number, string>
  )[photometric] ?? `colour space ${photometric}`;
}

function compressionName(compression: number): string {
  return ({ 7: 'JPEG', 34712: 'JPEG 2000', 50000: 'Zstandard', 50001: 'WebP', 34887: 'LERC' } as Record<number, string>)[compression] ?? `compression ${compression}`;
}

/** Where the JPEG stream an old-style JPEG TIFF embeds starts and ends. */
function embeddedJpegStart(length: number, dir: TiffDirectory, bytes?: Buffer): [number, number] {
  const declaredStart = dir.value(TAG.JPEGInterchangeFormat);
  const declaredLength = dir.value(TAG.JPEGInterchangeFormatLength);
  const candidates: Array<[number | undefined, number]> = [
    [declaredStart, declaredStart !== undefined && declaredLength ? Math.min(length, declaredStart + declaredLength) : length],
    [dir.segmentOffsets.length === 1 ? dir.segmentOffsets[0] : undefined, length],
  ];
  for (const [start, end] of candidates) {
    if (start === undefined || start + 2 > length) continue;
    if (bytes && (bytes[start] !== 0xff || bytes[start + 1] !== 0xd8)) continue;
    return [start, end];
  }
  throw unsupported('a TIFF with old-style JPEG compression that embeds no JPEG stream, which is not supported');
}

function embeddedJpeg(bytes: Buffer, dir: TiffDirectory): Buffer {
  const [start, end] = embeddedJpegStart(bytes.length, dir, bytes);
  return bytes.subarray(start, end);
}

/** What the rewritten TIFF keeps of the original's directory. */
function keptEntries(dir: TiffDirectory): WrittenEntry[] {
  const kept: WrittenEntry[] = [];
  const orientation = dir.value(TAG.Orientation);
  if (orientation) kept.push([TAG.Orientation, 3, [orientation]]);
  const extra = dir.entries.get(TAG.ExtraSamples)?.values;
  if (extra?.length) kept.push([TAG.ExtraSamples, 3, extra]);
  return kept;
}

async function joinedPlanes(bytes: Buffer, dir: TiffDirectory): Promise<Buffer> {
  const bits = dir.bitsPerSample[0]!;
  const perPlane = Math.ceil(dir.width / dir.segmentWidth) * Math.ceil(dir.height / dir.segmentHeight);
  if (dir.segmentOffsets.length < perPlane * dir.samplesPerPixel) throw undecodable('the image data is corrupt (fewer tiles than the image needs)');
  // each plane: a grey image over the same tiles (the original bytes stay where they are)
  /** The first value of a SHORT tag of the original, if it has one. */
  const copied = (tag: number): WrittenEntry[] => {
    const value = dir.value(tag);
    return value === undefined ? [] : [[tag, 3, [value]]];
  };
  const planes = await Promise.all(
    Array.from({ length: dir.samplesPerPixel }, async (_, plane) => {
      const tiff = withDirectory(bytes, dir.littleEndian, [
        [TAG.ImageWidth, 4, [dir.width]],
        [TAG.ImageLength, 4, [dir.height]],
        [TAG.BitsPerSample, 3, [bits]],
        [TAG.Compression, 3, [dir.compression]],
        [TAG.Photometric, 3, [PHOTOMETRIC.minIsBlack]],
        [TAG.SamplesPerPixel, 3, [1]],
        [TAG.PlanarConfiguration, 3, [1]],
        [TAG.TileWidth, 4, [dir.segmentWidth]],
        [TAG.TileLength, 4, [dir.segmentHeight]],
        [TAG.TileOffsets, 4, dir.segmentOffsets.slice(plane * perPlane, (plane + 1) * perPlane)],
        [TAG.TileByteCounts, 4, dir.segmentByteCounts.slice(plane * perPlane, (plane + 1) * perPlane)],
        ...copied(TAG.Predictor),
        ...copied(TAG.SampleFormat),
        ...jpegTables(bytes, dir),
      ]);
      try {
        const { data } = await sharp(tiff, { failOn: 'truncated', limitInputPixels: false }).extractChannel(0).raw({ depth: bits === 16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
        return data;
      } catch (error) {
        throw undecodable('the image data is corrupt', error);
      }
    }),
  );
  const spp = dir.samplesPerPixel;
  const bytesPerSample = bits / 8;
  const pixels = Buffer.alloc(dir.width * dir.height * spp * bytesPerSample);
  for (let p = 0; p < spp; p++) {
    const plane = planes[p]!;
    for (let i = 0; i < dir.width * dir.height; i++) {
      for (let b = 0; b < bytesPerSample; b++) pixels[(i * spp + p) * bytesPerSample + b] = plane[i * bytesPerSample + b]!;
    }
  }
  return uncompressedTiff(pixels, dir.width, dir.height, [
    [TAG.BitsPerSample, 3, Array<number>(spp).fill(bits)],
    [TAG.Photometric, 3, [dir.photometric]],
    [TAG.SamplesPerPixel, 3, [spp]],
    ...(dir.sampleFormat === 2 ? [[TAG.SampleFormat, 3, Array<number>(spp).fill(2)] as WrittenEntry] : []),
    ...keptEntries(dir),
  ]);
}

/** The JPEG tables that JPEG-compressed tiles share, copied. */
function jpegTables(bytes: Buffer, dir: TiffDirectory): WrittenEntry[] {
  const entry = dir.entries.get(TAG.JPEGTables);
  if (!entry) return [];
  return [[TAG.JPEGTables, 7, Buffer.from(bytes.subarray(entry.valueOffset, entry.valueOffset + entry.count))]];
}

/** The bytes of 16-bit samples in little-endian order (the rewritten TIFFs are "II"). */
function littleEndianBytes(samples: Uint16Array): Buffer {
  const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return endianness() === 'LE' ? bytes : bytes.swap16();
}

/** Samples of 10, 12 or 14 bits as 16-bit ones, the full range kept. */
function widenedTiff(samples: Uint16Array, dir: TiffDirectory, bits: number): Buffer {
  const max = (1 << bits) - 1;
  const wide = new Uint16Array(max + 1);
  for (let v = 0; v <= max; v++) wide[v] = Math.round((v * 65535) / max);
  const out = new Uint16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = wide[samples[i]!]!;
  const pixels = littleEndianBytes(out);
  const spp = dir.samplesPerPixel;
  return uncompressedTiff(pixels, dir.width, dir.height, [
    [TAG.BitsPerSample, 3, Array<number>(spp).fill(16)],
    [TAG.Photometric, 3, [dir.photometric]],
    [TAG.SamplesPerPixel, 3, [spp]],
    ...keptEntries(dir),
  ]);
}

/** 8-bit CIELab (L 0…255, a* and b* signed) as 16-bit CIELab (L 0…65535, a* and b* × 256). */
function lab16Tiff(samples: Uint16Array, dir: TiffDirectory): Buffer {
  const spp = dir.samplesPerPixel;
  const out = new Uint16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const channel = i % spp;
    const v = samples[i]!;
    out[i] = (channel === 1 || channel === 2 ? ((v << 24) >> 24) * 256 : v * 257) & 0xffff;
  }
  const pixels = littleEndianBytes(out);
  return uncompressedTiff(pixels, dir.width, dir.height, [
    [TAG.BitsPerSample, 3, Array<number>(spp).fill(16)],
    [TAG.Photometric, 3, [PHOTOMETRIC.cieLab]],
    [TAG.SamplesPerPixel, 3, [spp]],
    ...keptEntries(dir),
  ]);
}
