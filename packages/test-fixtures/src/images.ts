/** Test images generated with sharp at test time (nothing committed, nothing fetched). */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

export const RED = '#e01010';
export const BLUE = '#1030d0';
export const GREEN = '#20b030';

export const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } });

/** Two clearly different "pictures" with strong horizontal structure (what dHash looks at). */
export function sceneSvg(width: number, height: number, variant: 'a' | 'b'): Buffer {
  const body =
    variant === 'a'
      ? `<linearGradient id="g"><stop offset="0" stop-color="#102030"/><stop offset="1" stop-color="#f0e0c0"/></linearGradient>
         <rect width="100" height="75" fill="url(#g)"/>
         <circle cx="70" cy="22" r="12" fill="#ffd040"/>
         <polygon points="0,75 25,35 45,60 65,30 100,75" fill="#305020"/>`
      : `<linearGradient id="g"><stop offset="0" stop-color="#f8f0f0"/><stop offset="1" stop-color="#200808"/></linearGradient>
         <rect width="100" height="75" fill="url(#g)"/>
         <rect x="10" y="10" width="20" height="55" fill="#101060"/>
         <rect x="55" y="40" width="35" height="20" fill="#f0f0f0"/>`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 100 75" preserveAspectRatio="none">${body}</svg>`,
  );
}

export const scene = (width: number, height: number, variant: 'a' | 'b' = 'a') => sharp(sceneSvg(width, height, variant));

/**
 * 400x300 as stored, red band along the stored TOP edge, blue elsewhere, EXIF orientation 6
 * (display rotated 90° clockwise: the stored top becomes the RIGHT edge, 300x400 upright),
 * with camera facts and GPS position in the EXIF.
 */
export function rotatedJpegWithGps(): Promise<Buffer> {
  return solid(400, 300, BLUE)
    .composite([{ input: { create: { width: 400, height: 60, channels: 3, background: RED } }, top: 0, left: 0 }])
    .jpeg({ quality: 92 })
    .withExif({
      IFD0: { Make: 'Canon', Model: 'EOS R5' },
      IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', OffsetTimeOriginal: '+02:00', LensModel: 'RF 24-70mm F2.8' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '13/1 24/1 0/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** 200x100 fully transparent canvas with an opaque green rectangle in the middle. */
export function alphaPng(): Promise<Buffer> {
  return sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: { create: { width: 120, height: 60, channels: 4, background: GREEN } }, top: 20, left: 40 }])
    .png()
    .toBuffer();
}

/** Three 64x48 frames: red, green, blue. */
export async function animatedGif(format: 'gif' | 'webp' = 'gif'): Promise<Buffer> {
  const frames = await Promise.all([RED, GREEN, BLUE].map((c) => solid(64, 48, c).png().toBuffer()));
  return sharp(frames, { join: { animated: true } })
    .toFormat(format, { delay: [100, 100, 100], ...(format === 'webp' ? { lossless: true } : {}) })
    .toBuffer();
}

export function noiseJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A real, valid decompression bomb: a 1-bit black PNG of width x height pixels whose
 * all-zero rows deflate to almost nothing (20000x20000 is ~50 KB on disk).
 */
export function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // filter byte 0 + zero pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** RGB of the pixel at (x, y) of any encoded image. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Largest per-channel difference between two colours. */
export function colourDistance(a: string | [number, number, number], b: string | [number, number, number]): number {
  const [x, y] = [typeof a === 'string' ? hexToRgb(a) : a, typeof b === 'string' ? hexToRgb(b) : b];
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
}
