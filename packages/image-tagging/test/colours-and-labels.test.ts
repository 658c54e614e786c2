import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colourNames, normaliseLabel, paletteNames } from '@glimpse/image-tagging';

describe('colour names', () => {
  it('names pure colours', () => {
    expect(colourNames([[230, 20, 20]])).toEqual(['red']);
    expect(colourNames([[0x1e, 0x90, 0xff]])).toEqual(['blue']);
    expect(colourNames([[250, 250, 248]])).toEqual(['white']);
    expect(colourNames([[20, 140, 40], [240, 220, 30], [20, 140, 40]])).toEqual(['green', 'yellow']);
  });

  it('orders a palette by how much of the picture each colour covers', async () => {
    const sky = { create: { width: 100, height: 60, channels: 3 as const, background: '#3a78d8' } };
    const landscape = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#2f9a3c' } })
      .composite([{ input: await sharp(sky).png().toBuffer(), top: 0, left: 0 }])
      .png()
      .toBuffer();
    expect(await paletteNames(landscape)).toEqual(['blue', 'green']);
  });
});

describe('label normalisation', () => {
  it.each([
    ['Dogs', 'dog'],
    ['PEOPLE', 'person'],
    ['tv', 'television'],
    ['wine glasses', 'wine glass'],
    ['Buses', 'bus'],
    ['cell phone', 'phone'],
    ['skis', 'ski'],
    ['butterflies', 'butterfly'],
  ])('%s becomes %s', (raw, expected) => expect(normaliseLabel(raw)).toBe(expected));
});
