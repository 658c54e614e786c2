import { readFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createImageTagger, createImageTaggerThread, type ImageTagger } from '@glimpse/image-tagging';

const photo = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', 'photos', name));
const opened: ImageTagger[] = [];
afterAll(async () => {
  await Promise.all(opened.map((tagger) => tagger.close()));
});

describe('the image tagger on a thread of its own (the all-in-one)', () => {
  it('loads its models and tags photos without holding up the event loop, with the same tags as on the calling thread', async () => {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const threaded = await createImageTaggerThread({ ocr: false });
    opened.push(threaded);
    const cat = await threaded.tag(photo('skimage-chelsea.jpg'));
    const astronaut = await threaded.tag(photo('skimage-astronaut.jpg'));
    const took = performance.now() - started;
    delay.disable();
    // Loading four models and tagging two photos is seconds of work; the loop never waited for it.
    expect(took).toBeGreaterThan(1000);
    expect(delay.max / 1e6, 'longest event-loop stall (ms) while the thread loaded and tagged').toBeLessThan(250);

    const local = await createImageTagger({ ocr: false });
    opened.push(local);
    expect(cat.labels.map((l) => l.label)).toEqual((await local.tag(photo('skimage-chelsea.jpg'))).labels.map((l) => l.label));
    expect(cat.labels.map((l) => l.label)).toContain('cat');
    expect(astronaut.labels.map((l) => l.label)).toContain('person');
    expect(astronaut.moderation.label).toBe('safe');
  }, 180_000);

  it('reports a photo it cannot read as an error naming the problem, and keeps working', async () => {
    const threaded = await createImageTaggerThread({ ocr: false });
    opened.push(threaded);
    await expect(threaded.tag(Buffer.from('not an image at all'))).rejects.toThrow(/./);
    expect((await threaded.tag(photo('skimage-chelsea.jpg'))).labels.map((l) => l.label)).toContain('cat');
  }, 180_000);
});
