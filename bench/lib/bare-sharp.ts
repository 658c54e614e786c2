/**
 * The baseline @glimpse/image-processing is measured against: the straightforward way to
 * produce the same outputs with plain sharp. Every output is its own pipeline from the
 * original bytes (sharp's resize still shrinks JPEG/WebP on load), all run concurrently.
 */
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

const SIZES = [
  { name: 'thumb', maxEdge: 480 },
  { name: 'medium', maxEdge: 1280 },
  { name: 'large', maxEdge: 2560 },
] as const;

export interface BareOutput {
  name: string;
  format: string;
  data: Buffer;
}

export interface BareExtras {
  placeholder: string;
  dominantColor: string;
  perceptualHash: string;
}

const resized = (original: Buffer, maxEdge: number) =>
  sharp(original).rotate().resize(maxEdge, maxEdge, { fit: 'inside', withoutEnlargement: true });

async function placeholder(original: Buffer): Promise<string> {
  const { data, info } = await resized(original, 100).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}

async function dominantColor(original: Buffer): Promise<string> {
  const { dominant } = await sharp(original).stats();
  return `#${[dominant.r, dominant.g, dominant.b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

async function dHash(original: Buffer): Promise<string> {
  const { data } = await sharp(original).rotate().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  let hash = 0n;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) hash = (hash << 1n) | (data[y * 9 + x]! > data[y * 9 + x + 1]! ? 1n : 0n);
  return hash.toString(16).padStart(16, '0');
}

/** The 6 variants (thumb/medium/large x webp/jpeg), with placeholder, dominant colour and dHash attached. */
export async function bareSharpProcess(original: Buffer): Promise<BareOutput[] & BareExtras> {
  const variants = SIZES.flatMap(({ name, maxEdge }) => [
    resized(original, maxEdge)
      .webp({ quality: 80 })
      .toBuffer()
      .then((data) => ({ name, format: 'webp', data })),
    resized(original, maxEdge)
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, progressive: true, mozjpeg: false })
      .toBuffer()
      .then((data) => ({ name, format: 'jpeg', data })),
  ]);
  const [outputs, hash, colour, phash] = await Promise.all([Promise.all(variants), placeholder(original), dominantColor(original), dHash(original)]);
  return Object.assign(outputs, { placeholder: hash, dominantColor: colour, perceptualHash: phash });
}
