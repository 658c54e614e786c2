/** Benchmark input: a photo-like JPEG (smooth gradients and shapes plus sensor-like grain). */
import sharp from 'sharp';

/** Small deterministic PRNG (mulberry32) so the same seed gives the same photo. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * width x height JPEG at quality 90 with EXIF orientation 1 and a camera make/model.
 * 4000x3000 (12 MP) is the reference benchmark size; it comes out at a few MB, like a phone photo.
 */
export async function makePhotoLikeJpeg(width: number, height: number, seed: number): Promise<Buffer> {
  const rand = random(seed);
  // Per-channel smooth structure: sums of low-frequency waves along x and y (tables keep it fast).
  const waves = [0, 1, 2].map(() => {
    const fx = 1 + rand() * 6;
    const fy = 1 + rand() * 6;
    const px = rand() * Math.PI * 2;
    const py = rand() * Math.PI * 2;
    const x = Float32Array.from({ length: width }, (_, i) => Math.sin((i / width) * fx * Math.PI + px));
    const y = Float32Array.from({ length: height }, (_, j) => Math.cos((j / height) * fy * Math.PI + py));
    return { x, y, base: 60 + rand() * 120 };
  });
  const pixels = Buffer.alloc(width * height * 3);
  let noise = Math.floor(rand() * 0xffffffff);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const o = (j * width + i) * 3;
      for (let c = 0; c < 3; c++) {
        const w = waves[c]!;
        noise = (Math.imul(noise, 1664525) + 1013904223) >>> 0; // cheap LCG grain
        const grain = ((noise >>> 24) - 128) / 10;
        pixels[o + c] = Math.max(0, Math.min(255, w.base + 50 * w.x[i]! + 40 * w.y[j]! + 25 * w.x[i]! * w.y[j]! + grain));
      }
    }
  }
  // A few hard-edged shapes, like objects in a scene.
  const shapes = Array.from({ length: 6 }, () => {
    const r = Math.round((0.03 + rand() * 0.12) * Math.min(width, height));
    const colour = `rgb(${Math.floor(rand() * 255)},${Math.floor(rand() * 255)},${Math.floor(rand() * 255)})`;
    return `<circle cx="${Math.round(rand() * width)}" cy="${Math.round(rand() * height)}" r="${r}" fill="${colour}" fill-opacity="0.8"/>`;
  });
  const overlay = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .composite([{ input: overlay }])
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'Glimpse', Model: 'Bench Camera' } })
    .withMetadata({ orientation: 1 })
    .toBuffer();
}
