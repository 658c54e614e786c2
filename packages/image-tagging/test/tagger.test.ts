import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourNames, createImageTagger, normaliseLabel, paletteNames, type ImageTagger } from '@glimpse/image-tagging';

// A collage of people that ships inside @vladmandic/human (MIT): real photos, nothing committed.
const require = createRequire(import.meta.url);
const samplePhotos = readFileSync(join(dirname(require.resolve('@vladmandic/human')), '../assets/samples.jpg'));

let tagger: ImageTagger;
let strict: ImageTagger;
const realFetch = globalThis.fetch;
beforeAll(async () => {
  // The network is "unavailable": any fetch outside model loading throws.
  globalThis.fetch = (async (url: unknown) => {
    throw new Error(`network unavailable in this test: ${String(url)}`);
  }) as typeof fetch;
  tagger = await createImageTagger();
  strict = await createImageTagger({ threshold: 0.95 });
}, 120_000);
afterAll(async () => {
  globalThis.fetch = realFetch;
  await tagger?.close();
  await strict?.close();
});

describe('the image tagger (real models, offline)', () => {
  it('loads its weights from disk with the network unavailable, and recognises people and faces in real photos', async () => {
    const result = await tagger.tag(samplePhotos);
    expect(result.labels.map((l) => l.label)).toContain('person');
    expect(result.faces).toBeGreaterThanOrEqual(1);
    for (const { confidence } of result.labels) expect(confidence).toBeGreaterThanOrEqual(0.5);
    expect(result.model).toMatch(/centernet/);
  });

  it('gives the same tags for the same image every time', async () => {
    expect(await tagger.tag(samplePhotos)).toEqual(await tagger.tag(samplePhotos));
  });

  it('does not apply a label below the confidence threshold', async () => {
    const relaxed = await tagger.tag(samplePhotos);
    const person = relaxed.labels.find((l) => l.label === 'person')!;
    expect(person.confidence).toBeLessThan(0.95);
    expect((await strict.tag(samplePhotos)).labels.map((l) => l.label)).not.toContain('person');
  });

  it('finds no people or faces in an empty blue picture, and calls it safe and blue', async () => {
    const sky = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3070d0' } }).jpeg().toBuffer();
    const result = await tagger.tag(sky);
    expect(result.faces).toBe(0);
    expect(result.labels.map((l) => l.label)).not.toContain('person');
    expect(result.colors[0]).toBe('blue');
    expect(result.moderation.label).toBe('safe');
  });

  it('reads only files itself, and leaves every other URL to the fetch underneath (here: no network)', async () => {
    await expect(fetch('https://example.com/model.json')).rejects.toThrow(/network unavailable in this test/);
  });
});

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
