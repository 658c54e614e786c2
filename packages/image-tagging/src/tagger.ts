import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { paletteNames } from './colours';
import { normaliseLabel } from './labels';
import { installFileFetch } from './offline-fetch';

export interface MachineLabel {
  label: string;
  confidence: number;
}

export interface TaggingResult {
  labels: MachineLabel[];
  faces: number;
  colors: string[];
  moderation: { label: 'safe' | 'sensitive'; confidence: number };
  model: string;
}

export interface ImageTagger {
  /** `image` is an encoded JPEG/PNG/WebP (the worker passes the medium JPEG, <= 1280 px). */
  tag(image: Buffer): Promise<TaggingResult>;
  close(): Promise<void>;
}

export interface TaggerOptions {
  /** Labels below this confidence are not applied. */
  threshold?: number;
}

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- the model packages ship loose typings */
type Tf = any;

/** The models, from npm packages on disk: */
export const MODELS = {
  objects: 'CenterNet (COCO, 80 classes) from @vladmandic/human 3.3.6, MIT',
  faces: 'BlazeFace from @vladmandic/human 3.3.6, MIT',
  moderation: 'NSFWJS MobileNetV2 from nsfwjs 4.3.0, MIT',
} as const;

const SENSITIVE = ['Porn', 'Hentai', 'Sexy'];

/**
 * The image tagger: objects (CenterNet, COCO classes) and faces (BlazeFace) through Human,
 * moderation and drawing-vs-photo through NSFWJS, colour names from the palette. All on
 * TensorFlow.js's WASM backend, weights read from node_modules, nothing fetched.
 */
export async function createImageTagger(options: TaggerOptions = {}): Promise<ImageTagger> {
  const threshold = options.threshold ?? 0.5;
  const tf: Tf = require('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const wasmDir = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
  wasm.setWasmPaths(wasmDir);
  await tf.setBackend('wasm');
  await tf.ready();

  const humanDist = dirname(require.resolve('@vladmandic/human'));
  const { Human } = require(join(humanDist, 'human.node-wasm.js'));
  const human = new Human({
    backend: 'wasm',
    wasmPath: wasmDir,
    modelBasePath: pathToFileURL(join(humanDist, '../models/')).href,
    debug: false,
    async: false,
    warmup: 'none',
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 50, minConfidence: threshold },
      mesh: { enabled: false },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: { enabled: true, modelPath: 'centernet.json', minConfidence: Math.min(threshold, 0.2), maxDetected: 20 },
  });
  const nsfwjs = require('nsfwjs');
  installFileFetch();
  const [, moderationModel] = await Promise.all([human.load(), nsfwjs.load('MobileNetV2')]);
  const loaded = human.models?.models ?? human.models;
  if (!loaded?.centernet || !loaded?.blazeface) throw new Error('image-tagging: the CenterNet or BlazeFace weights did not load from @vladmandic/human/models');

  async function detect(image: Buffer) {
    const { data, info } = await sharp(image).resize(640, 640, { fit: 'inside', withoutEnlargement: true }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const tensor = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
    try {
      return await human.detect(tensor);
    } finally {
      tensor.dispose();
    }
  }

  async function moderate(image: Buffer) {
    const { data } = await sharp(image).resize(224, 224, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const tensor = tf.tensor3d(new Uint8Array(data), [224, 224, 3], 'int32');
    try {
      return (await moderationModel.classify(tensor, 5)) as Array<{ className: string; probability: number }>;
    } finally {
      tensor.dispose();
    }
  }

  return {
    async tag(image) {
      const [result, classes, colors] = await Promise.all([detect(image), moderate(image), paletteNames(image)]);
      const best = new Map<string, number>();
      for (const object of result.object as Array<{ label: string; score: number }>) {
        const label = normaliseLabel(object.label);
        if (object.score >= threshold) best.set(label, Math.max(object.score, best.get(label) ?? 0));
      }
      const faces = (result.face as Array<{ score: number }>).filter((face) => face.score >= threshold).length;
      if (faces > 0) best.set('person', Math.max(best.get('person') ?? 0, ...(result.face as Array<{ score: number }>).map((f) => f.score)));
      const probability = (name: string) => classes.find((c) => c.className === name)?.probability ?? 0;
      if (probability('Drawing') >= threshold) best.set('drawing', probability('Drawing'));
      const sensitive = SENSITIVE.reduce((sum, name) => sum + probability(name), 0);
      const round = (value: number) => Math.round(value * 1000) / 1000;
      return {
        labels: [...best.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([label, confidence]) => ({ label, confidence: round(confidence) })),
        faces,
        colors,
        moderation: sensitive >= 0.7 ? { label: 'sensitive', confidence: round(sensitive) } : { label: 'safe', confidence: round(1 - sensitive) },
        model: 'centernet+blazeface (@vladmandic/human 3.3.6), nsfwjs mobilenet_v2 4.3.0',
      };
    },
    async close() {
      moderationModel.model?.dispose?.();
    },
  };
}
