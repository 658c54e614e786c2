import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { TaggerModelMissingError } from './models';

const require = createRequire(import.meta.url);

/** Text read in a picture: the words a search should find it by. */
export interface ImageText {
  /** The words, in reading order, as written (case kept). */
  words: string[];
  /** The words joined with spaces: what an index stores as the image's text. */
  text: string;
}

export interface TextReader {
  read(image: Buffer): Promise<ImageText>;
  close(): Promise<void>;
}

/**
 * Pictures are first looked at small: on the labelled photos the 512 px pass found a
 * confident word in every sign and page it could read, and none in the 60 pictures
 * without writing, at about two thirds of the cost of reading at full size. Only then is
 * the picture read at the size the worker has (the `medium` variant, <= 1280 px).
 */
const LOOK_SIZE = 512;
const READ_SIZE = 1280;
/**
 * Tesseract's word confidence (0–100): real words on the signs scored 75–96, the
 * "words" it finds in grass, gravel, foliage and paintings mostly below 70.
 */
export const WORD_MIN_CONFIDENCE = 75;
/** A word needs this many letters or digits in a row: single letters and pairs in texture are noise. */
const WORD_PATTERN = /[\p{L}\p{N}]{3,}/u;

interface TesseractWord {
  text: string;
  confidence: number;
}

export function textModelFiles() {
  let root: string;
  try {
    root = path.dirname(require.resolve('@tesseract.js-data/eng/package.json'));
  } catch (error) {
    throw Object.assign(new TaggerModelMissingError('@tesseract.js-data/eng', 'node_modules/@tesseract.js-data/eng'), { cause: error });
  }
  const langPath = path.join(root, '4.0.0_best_int');
  const traineddata = path.join(langPath, 'eng.traineddata.gz');
  if (!existsSync(traineddata)) throw new TaggerModelMissingError('@tesseract.js-data/eng', traineddata);
  return { langPath, traineddata };
}

/** Words Tesseract is sure of, cleaned of the punctuation around them. */
export function confidentWords(words: ReadonlyArray<TesseractWord>): string[] {
  return words
    .filter((w) => w.confidence >= WORD_MIN_CONFIDENCE && WORD_PATTERN.test(w.text))
    .map((w) => w.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length > 0);
}

/**
 * OCR with Tesseract (tesseract.js, its WASM core) and the English LSTM model shipped in
 * `@tesseract.js-data/eng` (read from node_modules, never fetched, nothing cached to disk).
 * It runs in a worker thread, so it overlaps the tagger's models on the main thread.
 */
/** Longest one photo's reading may take; a 12 MP sign photo reads in about 2 s here. */
const READ_LIMIT_MS = 30_000;

export async function createTextReader(): Promise<TextReader> {
  const { langPath } = textModelFiles();
  const { createWorker, OEM, PSM } = require('tesseract.js');
  const start = async () => {
    const started = await createWorker('eng', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none', errorHandler: () => undefined });
    // Sparse text: signs and labels scattered over a photo, not only pages.
    await started.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT });
    return started;
  };
  let worker = await start();

  async function words(image: Buffer, size: number): Promise<string[]> {
    const grey = await sharp(image).rotate().resize(size, size, { fit: 'inside', withoutEnlargement: true }).grayscale().png({ compressionLevel: 1 }).toBuffer();
    const { data } = await worker.recognize(grey, {}, { blocks: true, text: false });
    const found = ((data.blocks ?? []) as Array<{ paragraphs: Array<{ lines: Array<{ words: TesseractWord[] }> }> }>).flatMap((b) =>
      b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)),
    );
    return confidentWords(found);
  }

  let queue: Promise<unknown> = Promise.resolve();
  return {
    read(image) {
      const reading = async (): Promise<ImageText> => {
        if ((await words(image, LOOK_SIZE)).length === 0) return { words: [], text: '' };
        const read = await words(image, READ_SIZE);
        return { words: read, text: read.join(' ') };
      };
      // A reading that hangs must not hold the job (and every one after it) forever: past the
      // limit the photo is taken to hold no words and the OCR thread is replaced.
      const result = queue.then(async (): Promise<ImageText> => {
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), READ_LIMIT_MS)));
        const outcome = await Promise.race([reading(), expired]).finally(() => clearTimeout(timer));
        if (outcome !== 'expired') return outcome;
        const hung = worker;
        void hung.terminate().catch(() => undefined);
        worker = await start();
        return { words: [], text: '' };
      });
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      await worker.terminate();
    },
  };
}
