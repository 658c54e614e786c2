/**
 * The best a hand-written sharp script does for the worker's outputs: decode once, shrinking
 * on load to the largest size, then derive each smaller size from the one above it in memory,
 * encode each size as WebP and JPEG, and take the placeholder, dominant colour and dHash from
 * the smallest render. Same sizes, formats and qualities as @glimpse/image-processing.
 */
import sharp, { type OutputInfo } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

const SIZES = [2560, 1280, 480] as const;

type Raw = { data: Buffer; info: OutputInfo };
const fromRaw = (raw: Raw) => sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels } });

export async function bestSharpProcess(original: Buffer): Promise<Buffer[]> {
  const largest = await sharp(original).rotate().resize(SIZES[0], SIZES[0], { fit: 'inside', withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raws: Raw[] = [largest];
  for (const edge of SIZES.slice(1)) raws.push(await fromRaw(raws.at(-1)!).resize(edge, edge, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true }));
  const smallest = raws.at(-1)!;
  const extras = (async () => {
    const tiny = await fromRaw(smallest).resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const placeholder = Buffer.from(rgbaToThumbHash(tiny.info.width, tiny.info.height, tiny.data)).toString('base64');
    const { dominant } = await fromRaw(smallest).stats();
    const grey = await fromRaw(smallest).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
    return [placeholder, dominant, grey];
  })();
  const encoded = await Promise.all(raws.flatMap((raw) => [fromRaw(raw).webp({ quality: 80 }).toBuffer(), fromRaw(raw).jpeg({ quality: 82, progressive: true, mozjpeg: false }).toBuffer()]));
  await extras;
  return encoded;
}
