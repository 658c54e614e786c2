import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- tfjs is loaded with require, untyped */
type Tf = any;

/** NSFWJS MobileNetV2's input edge. */
export const MODERATION_INPUT_SIZE = 224;
/** The classifier's outputs, in order (NSFWJS's `NSFW_CLASSES`). */
const CLASSES = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'] as const;
const SENSITIVE = new Set(['hentai', 'porn', 'sexy']);
/** Explicit classes together must reach this for `sensitive` (beach photos score a little `sexy`). */
export const SENSITIVE_AT = 0.7;

export interface Moderator {
  /** `rgb` is MODERATION_INPUT_SIZE² RGB pixels. */
  classify(rgb: Buffer): { label: 'safe' | 'sensitive'; confidence: number };
  dispose(): void;
}

/**
 * NSFWJS's MobileNetV2, read from the files it ships (`model.min.js` exports the model
 * JSON, `group1-shard1of1.min.js` the weights as base64) and given to TF.js from memory.
 * `nsfwjs.load()` itself spends about 4.5 s of CPU decoding the same weights; this takes
 * a fraction of a second.
 */
export async function loadModerator(tf: Tf, modelModule: string, weightsModule: string): Promise<Moderator> {
  const json = require(modelModule) as { modelTopology: object; weightsManifest: Array<{ weights: object[] }> };
  const weights = require(weightsModule) as string;
  // The modules are only containers: drop them so their 3.5 MB of base64 can be freed.
  delete require.cache[modelModule];
  delete require.cache[weightsModule];
  const data = Buffer.from(weights, 'base64');
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  );
  return {
    classify(rgb) {
      const output = tf.tidy(() => model.predict(tf.tensor4d(new Uint8Array(rgb), [1, MODERATION_INPUT_SIZE, MODERATION_INPUT_SIZE, 3], 'int32').toFloat().div(255)));
      const probabilities = output.dataSync() as Float32Array;
      output.dispose();
      const sensitive = CLASSES.reduce((sum, name, i) => (SENSITIVE.has(name) ? sum + (probabilities[i] ?? 0) : sum), 0);
      return sensitive >= SENSITIVE_AT ? { label: 'sensitive', confidence: sensitive } : { label: 'safe', confidence: 1 - sensitive };
    },
    dispose: () => model.dispose(),
  };
}
