import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COCO_LABELS, normaliseLabel, type ImageTagger, type TaggingResult } from '../src/index';

/**
 * The labelled photographs (`fixtures/photos`, see its README) and the scorer that
 * measures a tagger on them: what a person would call right or wrong in its tags.
 */
export const PHOTOS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'photos');

export interface PhotoTruth {
  /** COCO classes plainly present. */
  objects: string[];
  /** COCO classes present but tiny, partial or ambiguous: tagging them is not wrong, missing them is not a miss. */
  acceptable: string[];
  kind: 'photo' | 'painting' | 'illustration' | 'scan';
  /** The words a person reads in it (lower case); `[]` for writing too small to ask for; absent: no writing. */
  text?: string[];
}

export interface Photo {
  file: string;
  bytes: Buffer;
  truth: PhotoTruth;
}

export function loadPhotos(): Photo[] {
  const truth = JSON.parse(readFileSync(path.join(PHOTOS_DIR, 'truth.json'), 'utf8')) as Record<string, PhotoTruth>;
  const files = readdirSync(PHOTOS_DIR).filter((f) => f.endsWith('.jpg')).sort();
  const unlabelled = files.filter((f) => !truth[f]);
  const missing = Object.keys(truth).filter((f) => !files.includes(f));
  if (unlabelled.length || missing.length) throw new Error(`fixtures/photos: unlabelled ${unlabelled.join(', ') || '-'}; labelled but missing ${missing.join(', ') || '-'}`);
  const coco = new Set<string>(COCO_LABELS);
  for (const [file, t] of Object.entries(truth)) {
    const unknown = [...t.objects, ...t.acceptable].filter((l) => !coco.has(l));
    if (unknown.length) throw new Error(`fixtures/photos/truth.json: ${file} names ${unknown.join(', ')}, not COCO classes`);
  }
  return files.map((file) => ({ file, bytes: readFileSync(path.join(PHOTOS_DIR, file)), truth: truth[file]! }));
}

/** Tags that say a person is in the picture. */
const PERSON_TAGS = new Set(['person', 'portrait', 'group']);
const OBJECT_TAGS = new Set(COCO_LABELS.map(normaliseLabel));

export interface Score {
  photos: number;
  /** Object tags (COCO classes) that are right, of all object tags given. */
  precision: number;
  /** Objects plainly present that got their tag. */
  recall: number;
  truePositives: number;
  falsePositives: number;
  objectsPresent: number;
  /** Photos with a person tagged `person`, of photos with a person. */
  personRecall: number;
  /** Photos with no person that got `person`, `portrait` or `group`. */
  falsePerson: string[];
  /** Photos holding no COCO object, and every wrong tag they got. */
  noObjectPhotos: number;
  noObjectFalseTags: number;
  /** Wrong tags, as "file: tag", and missed objects. */
  mistakes: string[];
  misses: string[];
}

/** Which of a photo's tags are wrong, and which of its objects were missed. */
export function judge(photo: Photo, result: TaggingResult) {
  const { objects, acceptable, kind } = photo.truth;
  const present = new Set(objects.map(normaliseLabel));
  const allowed = new Set([...present, ...acceptable.map(normaliseLabel)]);
  const hasPerson = allowed.has('person');
  const tags = result.labels.map((l) => l.label);
  const wrong = tags.filter((tag) => {
    if (PERSON_TAGS.has(tag)) return !hasPerson;
    if (tag === 'drawing') return kind === 'photo';
    return !allowed.has(tag);
  });
  return {
    rightObjects: tags.filter((t) => OBJECT_TAGS.has(t) && present.has(t)),
    wrongObjects: wrong.filter((t) => OBJECT_TAGS.has(t)),
    wrong,
    missed: [...present].filter((o) => !tags.includes(o)),
    falsePerson: !hasPerson && tags.some((t) => PERSON_TAGS.has(t)),
  };
}

export async function scoreTagger(tagger: ImageTagger, photos: Photo[] = loadPhotos()): Promise<Score> {
  let truePositives = 0;
  let falsePositives = 0;
  let objectsPresent = 0;
  let withPerson = 0;
  let personFound = 0;
  let noObjectPhotos = 0;
  let noObjectFalseTags = 0;
  const falsePerson: string[] = [];
  const mistakes: string[] = [];
  const misses: string[] = [];
  for (const photo of photos) {
    const result = await tagger.tag(photo.bytes);
    const verdict = judge(photo, result);
    truePositives += verdict.rightObjects.length;
    falsePositives += verdict.wrongObjects.length;
    objectsPresent += photo.truth.objects.length;
    if (photo.truth.objects.includes('person')) {
      withPerson++;
      if (result.labels.some((l) => l.label === 'person')) personFound++;
    }
    if (verdict.falsePerson) falsePerson.push(photo.file);
    if (photo.truth.objects.length === 0) {
      noObjectPhotos++;
      noObjectFalseTags += verdict.wrong.length;
    }
    const confidence = (tag: string) => result.labels.find((l) => l.label === tag)?.confidence;
    mistakes.push(...verdict.wrong.map((tag) => `${photo.file}: ${tag} ${confidence(tag)}`));
    misses.push(...verdict.missed.map((tag) => `${photo.file}: ${tag}`));
  }
  return {
    photos: photos.length,
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    recall: truePositives / Math.max(1, objectsPresent),
    truePositives,
    falsePositives,
    objectsPresent,
    personRecall: personFound / Math.max(1, withPerson),
    falsePerson,
    noObjectPhotos,
    noObjectFalseTags,
    mistakes,
    misses,
  };
}

export function describeScore(score: Score): string {
  const f = (n: number) => n.toFixed(3);
  return [
    `${score.photos} labelled photos: object-tag precision ${f(score.precision)} (${score.truePositives} right, ${score.falsePositives} wrong), recall ${f(score.recall)} (${score.truePositives} of ${score.objectsPresent})`,
    `person recall ${f(score.personRecall)}; false person/portrait on ${score.falsePerson.length} photos without a person${score.falsePerson.length ? ` (${score.falsePerson.join(', ')})` : ''}`,
    `false tags on photos holding no object: ${score.noObjectFalseTags} on ${score.noObjectPhotos} photos (${f(score.noObjectFalseTags / Math.max(1, score.noObjectPhotos))} per photo)`,
    `wrong tags: ${score.mistakes.join('; ') || 'none'}`,
    `missed: ${score.misses.join('; ') || 'none'}`,
  ].join('\n');
}

export interface TextScore {
  /** Of the legible words in the photos with text, how many OCR read (case-insensitive). */
  wordRecall: number;
  /** Of the words OCR gave on photos with legible text, how many are really there. */
  wordPrecision: number;
  /** Words OCR gave on photos holding no writing at all, as "file: word". */
  wordsOnPhotosWithoutText: string[];
  perPhoto: string[];
}

/** Scores what OCR read (`read` gives the words of one photo) against the photos' `text`. */
export async function scoreText(read: (image: Buffer) => Promise<string[]>, photos: Photo[] = loadPhotos()): Promise<TextScore> {
  let legible = 0;
  let found = 0;
  let given = 0;
  let right = 0;
  const wordsOnPhotosWithoutText: string[] = [];
  const perPhoto: string[] = [];
  for (const photo of photos) {
    const words = (await read(photo.bytes)).map((w) => w.toLowerCase());
    const truth = photo.truth.text;
    if (truth === undefined) {
      wordsOnPhotosWithoutText.push(...words.map((w) => `${photo.file}: ${w}`));
      continue;
    }
    if (truth.length === 0) continue;
    const expected = new Set(truth);
    legible += expected.size;
    found += [...expected].filter((w) => words.includes(w)).length;
    given += words.length;
    right += words.filter((w) => expected.has(w)).length;
    perPhoto.push(`${photo.file}: "${words.join(' ')}"`);
  }
  return { wordRecall: found / Math.max(1, legible), wordPrecision: right / Math.max(1, given), wordsOnPhotosWithoutText, perPhoto };
}
