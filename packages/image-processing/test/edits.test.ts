import { planEdits, type ImageEdit } from '@glimpse/images';
import * as f from '@glimpse/test-fixtures';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { processImage } from '../src/index';

const options = { maxPixels: 100_000_000 };

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

const raw = async (pipeline: Sharp): Promise<Raw> => {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};
const fromRaw = (img: Raw) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

/** What a person editing step by step would get: each edit applied, in order, to the previous result. */
async function stepByStep(original: Buffer, edits: readonly ImageEdit[]): Promise<Raw> {
  let img = await raw(sharp(original).rotate());
  for (const edit of edits) {
    if (edit.crop) img = await raw(fromRaw(img).extract(edit.crop));
    if (edit.rotate) img = await raw(fromRaw(img).rotate(edit.rotate));
    if (edit.flipHorizontal) img = await raw(fromRaw(img).flop());
    if (edit.flipVertical) img = await raw(fromRaw(img).flip());
  }
  return img;
}

/** Mean absolute difference per channel (0..255) between two same-sized renders. */
function meanDifference(a: Raw, b: Raw): number {
  let total = 0;
  for (let i = 0; i < a.data.length; i++) total += Math.abs(a.data[i]! - b.data[i]!);
  return total / a.data.length;
}

async function rendered(original: Buffer, edits: readonly ImageEdit[]) {
  const meta = await sharp(original).metadata();
  const plan = planEdits({ width: meta.autoOrient.width, height: meta.autoOrient.height }, edits);
  const result = await processImage(original, { ...options, edit: plan });
  // `large` (2560) holds these small images at full size: pixel for pixel comparable.
  const large = result.variants.find((v) => v.name === 'large' && v.format === 'webp')!;
  return { result, plan, large: await raw(sharp(large.data)) };
}

// An asymmetric picture (a gradient, a sun top right, hills along the bottom): every turn and mirror of it differs.
const picture = () => f.scene(320, 200, 'a').png().toBuffer();

const stacks: Array<[string, ImageEdit[]]> = [
  ['a quarter turn', [{ rotate: 90 }]],
  ['a half turn', [{ rotate: 180 }]],
  ['three quarter turns', [{ rotate: 270 }]],
  ['a mirror', [{ flipHorizontal: true }]],
  ['upside down', [{ flipVertical: true }]],
  ['a crop', [{ crop: { left: 40, top: 10, width: 200, height: 150 } }]],
  ['a turn, then a crop of the turned image', [{ rotate: 90 }, { crop: { left: 20, top: 100, width: 150, height: 180 } }]],
  ['a crop, a mirror and a turn in one edit, then a flip and another crop', [
    { crop: { left: 30, top: 20, width: 250, height: 160 }, rotate: 270, flipHorizontal: true },
    { flipVertical: true },
    { crop: { left: 10, top: 40, width: 120, height: 200 }, rotate: 90 },
  ]],
  ['a mirror undone by a mirror, then turns adding to a full circle', [{ flipHorizontal: true }, { flipHorizontal: true }, { rotate: 90 }, { rotate: 270 }]],
];

describe('edits rendered from the original in one pass', () => {
  it.each(stacks)('match the same edits applied one by one: %s', async (_name, edits) => {
    const original = await picture();
    const expected = await stepByStep(original, edits);
    const { result, plan, large } = await rendered(original, edits);
    expect([result.width, result.height]).toEqual([expected.width, expected.height]);
    expect([plan.size.width, plan.size.height]).toEqual([expected.width, expected.height]);
    expect([large.width, large.height]).toEqual([expected.width, expected.height]);
    expect(meanDifference(large, expected)).toBeLessThan(4);
  });

  it('tell a turn from its mirror image (the comparison can fail)', async () => {
    const original = await picture();
    const turned = await stepByStep(original, [{ rotate: 90 }]);
    const { large: mirroredTurn } = await rendered(original, [{ rotate: 90, flipVertical: true }]);
    expect(meanDifference(mirroredTurn, turned)).toBeGreaterThan(20);
  });

  it('crop an EXIF-rotated photo in the coordinates it is shown in', async () => {
    const original = await f.rotatedJpegWithGps(); // 300×400 upright, red band along the right edge
    const { result, large } = await rendered(original, [{ crop: { left: 200, top: 0, width: 100, height: 100 } }]);
    expect([result.width, result.height]).toEqual([100, 100]);
    expect(f.colourDistance(await f.pixelAt(await fromRaw(large).png().toBuffer(), 95, 50), f.RED)).toBeLessThan(40);
    expect(f.colourDistance(await f.pixelAt(await fromRaw(large).png().toBuffer(), 5, 50), f.BLUE)).toBeLessThan(40);
  });

  it('refuses a crop that leaves the image, naming the field and the size it has by then', () => {
    expect(() => planEdits({ width: 320, height: 200 }, [{ rotate: 90 }, { crop: { left: 0, top: 0, width: 300, height: 100 } }])).toThrow(
      'edit.crop: left + width is 300, past the right edge of the 200×320 image (as edited so far)',
    );
    expect(() => planEdits({ width: 320, height: 200 }, [{ crop: { left: 10, top: 150, width: 100, height: 51 } }])).toThrow('edit.crop: top + height is 201, past the bottom edge');
  });
});
