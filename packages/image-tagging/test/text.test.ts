import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confidentWords, createTextReader, textModelFiles, type TextReader } from '@glimpse/image-tagging';
import { scoreText } from './photo-set';

let reader: TextReader;
const realFetch = globalThis.fetch;
const fetched: string[] = [];
beforeAll(async () => {
  globalThis.fetch = (async (input: unknown) => {
    fetched.push(String(input));
    throw new Error('network unavailable in this test');
  }) as typeof fetch;
  reader = await createTextReader();
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await reader?.close();
});

/** A poster: words rendered by sharp (librsvg) over a photo-like gradient. */
async function poster(lines: string[], [from, to] = ['#f3efe4', '#c9c2b0'], ink = '#1b1b1b') {
  const text = lines.map((line, i) => `<text x="60" y="${150 + i * 110}" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="72" fill="${ink}">${line}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="${220 + lines.length * 110}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

describe('text in pictures (Tesseract, offline)', () => {
  it('reads the words of a generated poster, from the model shipped in node_modules', async () => {
    const result = await reader.read(await poster(['Harbour Market', 'opens Sunday 9am']));
    expect(result.words.map((w) => w.toLowerCase())).toEqual(expect.arrayContaining(['harbour', 'market', 'opens', 'sunday']));
    expect(result.text).toBe(result.words.join(' '));
    expect(fetched).toEqual([]);
    expect(textModelFiles().traineddata).toMatch(/node_modules.*@tesseract\.js-data.*eng\.traineddata\.gz$/);
  });

  it('reads light text on a dark background too', async () => {
    const result = await reader.read(await poster(['WELCOME TO GLIMPSE'], ['#202a44', '#3a4a6e'], '#ffffff'));
    expect(result.words.map((w) => w.toLowerCase())).toEqual(expect.arrayContaining(['welcome', 'glimpse']));
  });

  it('finds no words in a picture without text', async () => {
    const plain = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#5a7a3a' } }).jpeg().toBuffer();
    expect(await reader.read(plain)).toEqual({ words: [], text: '' });
  });

  it('keeps only words Tesseract is sure of, without the punctuation around them', () => {
    expect(confidentWords([{ text: '"Parking,', confidence: 92 }, { text: 'rn', confidence: 95 }, { text: 'Xqzt', confidence: 40 }, { text: '125', confidence: 88 }])).toEqual(['Parking', '125']);
  });

  it('reads the signs and the page among the labelled photos, and invents no words in the rest', async () => {
    const score = await scoreText(async (image) => (await reader.read(image)).words);
    console.log(`OCR on the labelled photos: word recall ${score.wordRecall.toFixed(3)}, precision ${score.wordPrecision.toFixed(3)}; words on photos without text: ${score.wordsOnPhotosWithoutText.join(', ') || 'none'}\n  ${score.perPhoto.join('\n  ')}`);
    expect(score.wordsOnPhotosWithoutText).toEqual([]);
    expect(score.wordPrecision).toBeGreaterThanOrEqual(0.8);
    expect(score.wordRecall).toBeGreaterThanOrEqual(0.4);
  }, 300_000);
});
