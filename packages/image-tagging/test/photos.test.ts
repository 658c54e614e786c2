import { afterAll, beforeAll, expect, it } from 'vitest';
import { createImageTagger, type ImageTagger } from '@glimpse/image-tagging';
import { describeScore, loadPhotos, scoreTagger } from './photo-set';

// The goals of issue 11, on 80 real photographs labelled by hand (fixtures/photos/README.md).
const GOALS = { precision: 0.9, recall: 0.6, falseTagsPerNoObjectPhoto: 1 / 20 };

let tagger: ImageTagger;
beforeAll(async () => {
  // Object tags do not depend on OCR (text.test.ts scores that on the same photos).
  tagger = await createImageTagger({ ocr: false });
});
afterAll(() => tagger?.close());

it('tags real photos the way a person would: precise object tags, no invented people, quiet on empty scenes', async () => {
  const photos = loadPhotos();
  expect(photos.length).toBeGreaterThanOrEqual(50);
  const score = await scoreTagger(tagger, photos);
  console.log(`image tagger on the labelled photos:\n${describeScore(score)}`);
  expect(score.precision, describeScore(score)).toBeGreaterThanOrEqual(GOALS.precision);
  expect(score.recall, describeScore(score)).toBeGreaterThanOrEqual(GOALS.recall);
  expect(score.falsePerson, describeScore(score)).toEqual([]);
  expect(score.noObjectFalseTags / score.noObjectPhotos, describeScore(score)).toBeLessThanOrEqual(GOALS.falseTagsPerNoObjectPhoto);
}, 600_000);
