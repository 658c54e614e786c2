/**
 * The first image file directory (IFD) of a classic TIFF, read from the bytes, and a writer of
 * small TIFFs. Enough to decide, from the file itself, whether libvips can read a TIFF as it
 * is, and to hand it one it can (tiff-readable.ts). BigTIFF is left to libvips.
 */

export const TAG = {
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  FillOrder: 266,
  StripOffsets: 273,
  Orientation: 274,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
  JPEGTables: 347,
  JPEGInterchangeFormat: 513,
  JPEGInterchangeFormatLength: 514,
  YCbCrSubSampling: 530,
} as const;

export const COMPRESSION = { none: 1, lzw: 5, oldJpeg: 6, jpeg: 7, deflate: 8, adobeDeflate: 32946, packBits: 32773 } as const;
export const PHOTOMETRIC = { minIsWhite: 0, minIsBlack: 1, rgb: 2, palette: 3, cmyk: 5, ycbcr: 6, cieLab: 8 } as const;

export interface TiffEntry {
  type: number;
  count: number;
  /** Where the value is in the file (inside the entry when it fits in 4 bytes). */
  valueOffset: number;
  values: number[];
}

export interface TiffDirectory {
  littleEndian: boolean;
  entries: Map<number, TiffEntry>;
  width: number;
  height: number;
  bitsPerSample: number[];
  samplesPerPixel: number;
  compression: number;
  photometric: number;
  planar: 1 | 2;
  tiled: boolean;
  /** Strips or tiles: where each segment of pixel data starts, and its length. */
  segmentOffsets: number[];
  segmentByteCounts: number[];
  /** Segment size in pixels: tile width × length, or image width × rows per strip. */
  segmentWidth: number;
  segmentHeight: number;
  predictor: number;
  sampleFormat: number;
  value(tag: number): number | undefined;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
/** Values are read for these types only (counts of what we need are small, or segment tables). */
const MAX_VALUES = 1 << 20;

/** Whether the bytes start as a classic or Big TIFF. */
export function isTiff(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4).toString('latin1');
  return head === 'II*\0' || head === 'MM\0*' || head === 'II+\0' || head === 'MM\0+';
}

/** Reads the first IFD of a classic (not Big) TIFF; undefined when the bytes are not one or its directory is out of bounds. */
export function readTiffDirectory(bytes: Buffer): TiffDirectory | undefined {
  if (bytes.length < 8) return undefined;
  const order = bytes.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const u16 = (at: number) => (le ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (le ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > bytes.length) return undefined;
  const count = u16(ifd);
  if (ifd + 2 + count * 12 > bytes.length) return undefined;
  const entries = new Map<number, TiffEntry>();
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    const tag = u16(at);
    const type = u16(at + 2);
    const n = u32(at + 4);
    const size = TYPE_SIZE[type];
    if (!size || n > MAX_VALUES) continue;
    const valueOffset = size * n <= 4 ? at + 8 : u32(at + 8);
    if (valueOffset + size * n > bytes.length) return undefined;
    const values: number[] = [];
    if ([1, 3, 4, 6, 8, 9, 13].includes(type)) {
      for (let j = 0; j < n; j++) {
        const p = valueOffset + j * size;
        if (type === 1) values.push(bytes[p]!);
        else if (type === 6) values.push(bytes.readInt8(p));
        else if (type === 3) values.push(u16(p));
        else if (type === 8) values.push(le ? bytes.readInt16LE(p) : bytes.readInt16BE(p));
        else if (type === 9) values.push(le ? bytes.readInt32LE(p) : bytes.readInt32BE(p));
        else values.push(u32(p));
      }
    }
    entries.set(tag, { type, count: n, valueOffset, values });
  }
  const first = (tag: number) => entries.get(tag)?.values[0];
  const width = first(TAG.ImageWidth) ?? 0;
  const height = first(TAG.ImageLength) ?? 0;
  const samplesPerPixel = first(TAG.SamplesPerPixel) ?? 1;
  const tiled = entries.has(TAG.TileWidth);
  const segmentWidth = tiled ? (first(TAG.TileWidth) ?? 0) : width;
  const segmentHeight = tiled ? (first(TAG.TileLength) ?? 0) : Math.min(height, first(TAG.RowsPerStrip) ?? height);
  const bits = entries.get(TAG.BitsPerSample)?.values ?? [1];
  return {
    littleEndian: le,
    entries,
    width,
    height,
    bitsPerSample: bits.length === samplesPerPixel ? bits : Array<number>(samplesPerPixel).fill(bits[0] ?? 1),
    samplesPerPixel,
    compression: first(TAG.Compression) ?? COMPRESSION.none,
    photometric: first(TAG.Photometric) ?? PHOTOMETRIC.minIsBlack,
    planar: first(TAG.PlanarConfiguration) === 2 ? 2 : 1,
    tiled,
    segmentOffsets: entries.get(tiled ? TAG.TileOffsets : TAG.StripOffsets)?.values ?? [],
    segmentByteCounts: entries.get(tiled ? TAG.TileByteCounts : TAG.StripByteCounts)?.values ?? [],
    segmentWidth,
    segmentHeight,
    predictor: first(TAG.Predictor) ?? 1,
    sampleFormat: first(TAG.SampleFormat) ?? 1,
    value: first,
  };
}

/** Whether a segment of pixel data lies (partly) past the end of the file: the upload stopped early. */
export function segmentsPastEnd(dir: TiffDirectory, length: number): boolean {
  return dir.segmentOffsets.some((offset, i) => offset + (dir.segmentByteCounts[i] ?? 0) > length);
}

/** SHORT or LONG values, or UNDEFINED bytes (e.g. JPEGTables). */
export type WrittenEntry = [tag: number, type: 3 | 4, values: number[]] | [tag: number, type: 7, bytes: Buffer];

/**
 * A new first IFD appended to `base` (the original bytes, so that its offsets stay valid, or
 * a fresh header): the file then reads as the image these entries describe.
 */
export function withDirectory(base: Buffer, littleEndian: boolean, entries: WrittenEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const start = base.length + (base.length & 1);
  const tableSize = 2 + sorted.length * 12 + 4;
  const overflow: Buffer[] = [];
  let overflowAt = start + tableSize;
  const table = Buffer.alloc(tableSize);
  const w16 = (buf: Buffer, v: number, at: number) => (littleEndian ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  const w32 = (buf: Buffer, v: number, at: number) => (littleEndian ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at));
  w16(table, sorted.length, 0);
  sorted.forEach(([tag, type, values], i) => {
    const at = 2 + i * 12;
    w16(table, tag, at);
    w16(table, type, at + 2);
    w32(table, values.length, at + 4);
    let data: Buffer;
    if (type === 7) data = values;
    else {
      const size = type === 3 ? 2 : 4;
      data = Buffer.alloc(values.length * size);
      values.forEach((v, j) => (type === 3 ? w16(data, v, j * size) : w32(data, v, j * size)));
    }
    if (data.length <= 4) data.copy(table, at + 8);
    else {
      w32(table, overflowAt, at + 8);
      overflow.push(data, Buffer.alloc(data.length & 1));
      overflowAt += data.length + (data.length & 1);
    }
  });
  const out = Buffer.concat([base, Buffer.alloc(start - base.length), table, ...overflow]);
  w32(out, start, 4);
  return out;
}

/** A TIFF of one strip of uncompressed pixels, with these further entries (bits, photometric, extra samples...). */
export function uncompressedTiff(pixels: Buffer, width: number, height: number, entries: WrittenEntry[]): Buffer {
  const header = Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
  const base = Buffer.concat([header, pixels]);
  return withDirectory(base, true, [
    [TAG.ImageWidth, 4, [width]],
    [TAG.ImageLength, 4, [height]],
    [TAG.Compression, 3, [COMPRESSION.none]],
    [TAG.StripOffsets, 4, [header.length]],
    [TAG.RowsPerStrip, 4, [height]],
    [TAG.StripByteCounts, 4, [pixels.length]],
    [TAG.PlanarConfiguration, 3, [1]],
    ...entries,
  ]);
}
