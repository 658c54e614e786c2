import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectUpload, processImage } from '../src/index';

const base = () => sharp({ create: { width: 300, height: 200, channels: 3, background: '#e01010' } });

async function hostileImages() {
  const jpeg = await base().jpeg().toBuffer();
  const png = await base().png().toBuffer();
  return {
    // Cut off partway: a real truncation.
    truncatedJpeg: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)),
    truncatedPng: png.subarray(0, Math.floor(png.length * 0.7)),
    // A whole file whose entropy-coded data is noise: corrupt, not truncated.
    corruptJpeg: Buffer.concat([jpeg.subarray(0, 600), Buffer.alloc(2000, 0x55), Buffer.from([0xff, 0xd9])]),
  };
}

const reasonOf = (work: Promise<unknown>) =>
  work.then(
    () => 'decoded',
    (error: Error) => error.message,
  );

describe('failure reasons', () => {
  it('gives each image its own reason, whatever else is decoding at the same time', async () => {
    const images = await hostileImages();
    const alone: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(images)) alone[name] = await reasonOf(processImage(bytes, { maxPixels: 1e8 }));
    expect(alone.truncatedJpeg).toMatch(/truncated/);
    expect(alone.corruptJpeg).toMatch(/corrupt/);

    // Many at once, interleaved: libvips keeps one error buffer for the whole process.
    const names = Object.keys(images) as Array<keyof typeof images>;
    const jobs = Array.from({ length: 24 }, (_, i) => names[i % names.length]!);
    const reasons = await Promise.all(jobs.map((name) => reasonOf(processImage(images[name], { maxPixels: 1e8 }))));
    const wrong = jobs.map((name, i) => [name, reasons[i]] as const).filter(([name, reason]) => reason !== alone[name]);
    expect(wrong).toEqual([]);
  });

  it('names HEIF as a photo format that is not accepted, without calling it "not a photo"', async () => {
    const heif = await base().heif({ compression: 'hevc' }).toBuffer().catch(() => undefined);
    // Prebuilt sharp has no HEVC encoder; a minimal HEIF header is enough for sniffing.
    const bytes = heif ?? Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(4), Buffer.from('mif1heic'), Buffer.alloc(64)]);
    const message = await reasonOf(inspectUpload(bytes, { maxPixels: 1e8 }));
    expect(message).toMatch(/HEI[CF] photo/);
    expect(message).not.toMatch(/not a photo/);
  });

  it.each([
    ['a HEIC burst (heic-sequence)', 'hevc', ['msf1', 'hevc'], /^The file is a HEIC image sequence, such as a burst or a Live Photo \(export one picture as JPEG first\); Glimpse accepts/],
    ['a HEIF sequence', 'msf1', ['msf1', 'heic'], /^The file is a HEIF image sequence/],
    ['a HEIF still', 'mif1', ['heic'], /^The file is a HEIF photo \(export it as JPEG first\)/],
  ])('names %s a picture format it does not take, never "not a photo"', async (_name, brand, compatible, message) => {
    const ftyp = Buffer.alloc(16 + 4 * compatible.length);
    ftyp.writeUInt32BE(ftyp.length, 0);
    ftyp.write(`ftyp${brand}`, 4);
    compatible.forEach((c, i) => ftyp.write(c, 16 + 4 * i));
    const text = await reasonOf(inspectUpload(Buffer.concat([ftyp, Buffer.alloc(64)]), { maxPixels: 1e8 }));
    expect(text).toMatch(message);
    expect(text).not.toMatch(/not a photo/);
  });

});
