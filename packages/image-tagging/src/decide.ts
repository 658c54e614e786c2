import { normaliseLabel } from './labels';
import type { MachineLabel } from './types';

/**
 * Which detections become tags. Every number here was chosen by measurement on the
 * labelled photographs in `test/fixtures/photos` (80 real pictures, 55 of them holding no
 * COCO object; `npm test` scores them): CenterNet on the 512 px letterboxed picture gives
 * the scores named in each comment.
 */

/** An object class is tagged from this CenterNet score unless its class says otherwise. */
export const DEFAULT_OBJECT_THRESHOLD = 0.5;

/**
 * Per-class thresholds where the measured scores call for one: lowered where true
 * detections score low and nothing else comes near, raised where a class fires on things
 * it is not.
 */
export const OBJECT_THRESHOLDS: Readonly<Record<string, number>> = {
  // People 0.51–0.82; the best non-person (a motorcycle's rider-shaped shadow) 0.32.
  person: 0.45,
  // Cars 0.51–0.74 (one blurred by motion); an aerial city view 0.29.
  car: 0.45,
  motorcycle: 0.45,
  // A cat 0.44 (where the 640 px unletterboxed input called it a dog); nothing else above 0.16.
  cat: 0.4,
  // An espresso cup 0.60; nothing else above 0.15.
  cup: 0.4,
  // Rowing boats 0.50; reflections on water up to 0.17.
  boat: 0.4,
  // Ties are small: a necktie 0.31, the best non-tie (a baboon's nose) 0.19.
  tie: 0.3,
  // A retina photograph scores 0.53 as an umbrella, a circuit board 0.53 as a clock.
  umbrella: 0.6,
  clock: 0.6,
};

/** CenterNet person scores in this band are checked against MoveNet-MultiPose's bodies. */
export const PERSON_CHECK_FROM = 0.25;
/** MultiPose body scores: 0.26–0.66 on photos with people, at most 0.16 on the rest. */
export const BODY_MIN_CONFIDENCE = 0.25;
/**
 * BlazeFace scores real faces 0.77–0.92 but a cat 0.68–0.85, a defocused page of text
 * 0.63–0.88 and flowers up to 0.73: a face counts only at 0.8 and only on an image that
 * the person evidence (CenterNet or MultiPose) already calls a person.
 */
export const FACE_MIN_CONFIDENCE = 0.8;
/** One face covering this share of the picture makes it a portrait (portraits 8–28 %, a footballer 0.8 %). */
export const PORTRAIT_MIN_FACE_AREA = 0.05;

export interface Detections {
  /** CenterNet detections, raw COCO labels. */
  objects: ReadonlyArray<{ label: string; score: number }>;
  /** BlazeFace faces; `area` is the share of the picture the box covers (0–1). */
  faces: ReadonlyArray<{ score: number; area: number }>;
  /** MoveNet-MultiPose bodies, when `needsBodyCheck` asked for them. */
  bodies?: ReadonlyArray<{ score: number }>;
}

export interface Decision {
  labels: MachineLabel[];
  faces: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export function objectThreshold(label: string, floor = 0): number {
  return Math.max(floor, OBJECT_THRESHOLDS[label] ?? DEFAULT_OBJECT_THRESHOLD);
}

function best(objects: Detections['objects'], label: string): number {
  return objects.reduce((max, o) => (o.label === label && o.score > max ? o.score : max), 0);
}

/** Whether the pose model must look: a weak person score, or a face with no person behind it. */
export function needsBodyCheck(detections: Omit<Detections, 'bodies'>, floor = 0): boolean {
  const person = best(detections.objects, 'person');
  if (person >= objectThreshold('person', floor)) return false;
  return person >= PERSON_CHECK_FROM || detections.faces.some((f) => f.score >= FACE_MIN_CONFIDENCE);
}

/** The machine tags for one picture's detections. `floor` raises every threshold to at least itself. */
export function decideTags(detections: Detections, floor = 0): Decision {
  const tags = new Map<string, number>();
  const add = (label: string, confidence: number) => {
    const name = normaliseLabel(label);
    tags.set(name, Math.max(confidence, tags.get(name) ?? 0));
  };
  for (const { label, score } of detections.objects) {
    if (label !== 'person' && score >= objectThreshold(label, floor)) add(label, score);
  }
  const personScore = best(detections.objects, 'person');
  const body = Math.max(0, ...(detections.bodies ?? []).map((b) => b.score));
  const faces = detections.faces.filter((f) => f.score >= Math.max(floor, FACE_MIN_CONFIDENCE));
  const corroborated = (personScore >= PERSON_CHECK_FROM || faces.length > 0) && body >= Math.max(floor, BODY_MIN_CONFIDENCE);
  const isPerson = personScore >= objectThreshold('person', floor) || corroborated;
  if (isPerson) {
    add('person', Math.max(personScore, corroborated ? body : 0));
    if (faces.length === 1 && faces[0]!.area >= PORTRAIT_MIN_FACE_AREA) add('portrait', faces[0]!.score);
    if (faces.length >= 2) add('group', Math.min(...faces.map((f) => f.score)));
  }
  return {
    labels: [...tags]
      .map(([label, confidence]) => ({ label, confidence: round(confidence) }))
      .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label)),
    faces: isPerson ? faces.length : 0,
  };
}
