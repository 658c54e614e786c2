import { inflateSync } from 'node:zlib';
import { COMPRESSION, type TiffDirectory } from './tiff-directory';

/**
 * The samples of a TIFF whose layout libvips does not read (samples of 10, 12 or 14 bits; 8-bit
 * CIELab), decoded here from strips or tiles compressed with none, LZW, Deflate or PackBits:
 * every sample of the image, interleaved, as read (0 … 2^bits − 1). Other compressions are
 * not decoded here (the caller names them).
 */
export const DECODABLE_COMPRESSIONS: ReadonlySet<number> = new Set([COMPRESSION.none, COMPRESSION.lzw, COMPRESSION.deflate, COMPRESSION.adobeDeflate, COMPRESSION.packBits]);

export class CorruptSegment extends Error {}

/** About 20 ms of work on this machine between two turns of the event loop. */
const YIELD_EVERY_ROWS = 256;

export async function readSamples(bytes: Buffer, dir: TiffDirectory): Promise<Uint16Array> {
  const { width, height, samplesPerPixel: spp, planar, segmentWidth: segW, segmentHeight: segH } = dir;
  const bits = dir.bitsPerSample[0]!;
  const out = new Uint16Array(width * height * spp);
  const across = Math.ceil(width / segW);
  const down = Math.ceil(height / segH);
  const perPlane = dir.tiled ? across * down : down;
  const planes = planar === 2 ? spp : 1;
  const samplesInSegment = planar === 2 ? 1 : spp;
  const rowBytes = Math.ceil((segW * samplesInSegment * bits) / 8);
  if (dir.segmentOffsets.length < perPlane * planes) throw new CorruptSegment('fewer strips or tiles than the image needs');
  let rowsSinceYield = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let s = 0; s < perPlane; s++) {
      // a worker decoding a big file still answers its probes: give the event loop a turn now and then
      if ((rowsSinceYield += segH) >= YIELD_EVERY_ROWS) {
        rowsSinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const index = plane * perPlane + s;
      const offset = dir.segmentOffsets[index]!;
      const count = dir.segmentByteCounts[index] ?? 0;
      if (offset + count > bytes.length) throw new CorruptSegment('a strip or tile lies past the end of the file');
      // a strip at the bottom may hold fewer rows; a tile is always whole
      const rows = dir.tiled ? segH : Math.min(segH, height - s * segH);
      const raw = decompress(bytes.subarray(offset, offset + count), dir.compression, rowBytes * rows);
      const x0 = dir.tiled ? (s % across) * segW : 0;
      const y0 = dir.tiled ? Math.floor(s / across) * segH : s * segH;
      for (let row = 0; row < rows; row++) {
        const y = y0 + row;
        if (y >= height) break;
        const samples = unpackRow(raw, row * rowBytes, segW * samplesInSegment, bits);
        if (dir.predictor === 2) undoHorizontalDifferencing(samples, samplesInSegment, bits);
        for (let x = 0; x < segW && x0 + x < width; x++) {
          const target = (y * width + x0 + x) * spp;
          if (planar === 2) out[target + plane] = samples[x]!;
          else for (let c = 0; c < spp; c++) out[target + c] = samples[x * spp + c]!;
        }
      }
    }
  }
  return out;
}

function decompress(data: Buffer, compression: number, expected: number): Buffer {
  let out: Buffer;
  if (compression === COMPRESSION.none) out = data;
  else if (compression === COMPRESSION.lzw) out = lzwDecode(data, expected);
  else if (compression === COMPRESSION.packBits) out = packBitsDecode(data, expected);
  else {
    try {
      out = inflateSync(data, { maxOutputLength: Math.max(expected, 1) });
    } catch {
      throw new CorruptSegment('a Deflate-compressed strip or tile does not inflate');
    }
  }
  if (out.length < expected) throw new CorruptSegment('a strip or tile holds fewer pixels than it should');
  return out;
}

/** TIFF's LZW (MSB-first codes, 9 to 12 bits, the code width grows one code early). */
function lzwDecode(input: Buffer, expected: number): Buffer {
  const out = Buffer.alloc(expected);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  const first = new Uint8Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    length[i] = 1;
    first[i] = i;
  }
  let next = 258;
  let width = 9;
  let previous = -1;
  let bitPos = 0;
  let o = 0;
  const emit = (code: number) => {
    const n = length[code]!;
    let at = o + n - 1;
    for (let c = code; c >= 0; c = prefix[c]!, at--) if (at < expected) out[at] = suffix[c]!;
    o += n;
  };
  while (o < expected && bitPos + width <= input.length * 8) {
    let code = 0;
    for (let i = 0; i < width; i++, bitPos++) code = (code << 1) | ((input[bitPos >> 3]! >> (7 - (bitPos & 7))) & 1);
    if (code === 257) break;
    if (code === 256) {
      next = 258;
      width = 9;
      previous = -1;
      continue;
    }
    if (previous === -1) {
      if (code > 255) throw new CorruptSegment('an LZW strip or tile starts with an unknown code');
      emit(code);
      previous = code;
      continue;
    }
    if (code > next || next >= 4096) throw new CorruptSegment('an LZW strip or tile has a code out of sequence');
    const head = code < next ? first[code]! : first[previous]!;
    prefix[next] = previous;
    suffix[next] = head;
    length[next] = length[previous]! + 1;
    first[next] = first[previous]!;
    next++;
    emit(code);
    previous = code;
    if (next + 1 >= 1 << width && width < 12) width++;
  }
  return out.subarray(0, Math.min(o, expected));
}

function packBitsDecode(input: Buffer, expected: number): Buffer {
  const out = Buffer.alloc(expected);
  let i = 0;
  let o = 0;
  while (i < input.length && o < expected) {
    const n = input.readInt8(i++);
    if (n >= 0) {
      input.copy(out, o, i, i + n + 1);
      i += n + 1;
      o += n + 1;
    } else if (n !== -128) {
      out.fill(input[i++] ?? 0, o, Math.min(expected, o + 1 - n));
      o += 1 - n;
    }
  }
  return out.subarray(0, Math.min(o, expected));
}

/** `count` samples of `bits` bits each, MSB first, from `start`. */
function unpackRow(raw: Buffer, start: number, count: number, bits: number): Uint16Array {
  const samples = new Uint16Array(count);
  if (bits === 8) {
    for (let i = 0; i < count; i++) samples[i] = raw[start + i]!;
    return samples;
  }
  if (bits === 12) {
    // two samples in three bytes
    let p = start;
    let i = 0;
    for (; i + 1 < count; i += 2, p += 3) {
      const a = raw[p]!;
      const b = raw[p + 1]!;
      samples[i] = (a << 4) | (b >> 4);
      samples[i + 1] = ((b & 0x0f) << 8) | raw[p + 2]!;
    }
    if (i < count) samples[i] = (raw[p]! << 4) | (raw[p + 1]! >> 4);
    return samples;
  }
  let bitPos = start * 8;
  for (let i = 0; i < count; i++) {
    let v = 0;
    for (let b = 0; b < bits; b++, bitPos++) v = (v << 1) | ((raw[bitPos >> 3]! >> (7 - (bitPos & 7))) & 1);
    samples[i] = v;
  }
  return samples;
}

function undoHorizontalDifferencing(samples: Uint16Array, stride: number, bits: number): void {
  const mask = (1 << bits) - 1;
  for (let i = stride; i < samples.length; i++) samples[i] = (samples[i]! + samples[i - stride]!) & mask;
}
