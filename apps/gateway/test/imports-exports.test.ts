import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { importFiles, settleImport } from '@glimpse/api-client';
import { declareZipEntrySize, renameZipEntry, zipOf, type ZipEntrySpec } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type Session, type TestGateway } from './harness';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A small photo of its own: every `seed` gives other pixels, so other bytes. */
function photo(seed: number, exif?: { takenAt: string }): Promise<Buffer> {
  const image = sharp({ create: { width: 96, height: 64, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 53) % 256 }, noise: { type: 'gaussian', mean: 100, sigma: 30 } } }).jpeg({ quality: 80 });
  return (exif ? image.withExif({ IFD0: { Make: 'Fujifilm', Model: 'X100V' }, IFD2: { DateTimeOriginal: exif.takenAt } }) : image).toBuffer();
}

/** Every entry of a zip, read back with yauzl as an unzip tool would. */
async function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', async (entry: yauzl.Entry) => {
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
        files.set(entry.fileName, Buffer.concat(chunks));
        zip.readEntry();
      } catch (error) {
        reject(error);
      }
    });
    zip.once('end', resolve);
    zip.once('error', reject);
    zip.readEntry();
  });
  return files;
}

let app: TestGateway;
beforeAll(async () => {
  app = await startTestGateway();
});
afterAll(() => app?.stop());

describe('bulk import and export', () => {
  let owner: Session;
  const originals = new Map<string, Buffer>();
  let firstImageOfDuplicate: string | undefined;

  it('imports a zip of 50 files: 48 ready with titles from their names, a bad file refused with its reason, a duplicate reported', async () => {
    owner = await app.signUp('importer');
    const entries: ZipEntrySpec[] = [];
    for (let i = 0; i < 48; i++) {
      // A nested folder for some; the first keeps a taken-at date in its EXIF.
      const name = i < 10 ? `2023/summer/beach-${i}.jpg` : `photo-${i}.jpg`;
      const data = await photo(i, i === 0 ? { takenAt: '2023:07:14 18:30:00' } : undefined);
      originals.set(name, data);
      entries.push({ name, data, compress: i % 2 === 0 });
    }
    entries.push({ name: 'notes/readme.jpg', data: Buffer.from('these are my notes, not a photo\n'.repeat(20)) });
    entries.push({ name: 'copies/beach-again.jpg', data: originals.get('2023/summer/beach-3.jpg')! });
    entries.push({ name: '2023/summer/', data: Buffer.alloc(0) }); // a folder entry: not a file, not counted
    const zip = await zipOf(entries.filter((entry) => !entry.name.endsWith('/')));

    const started = await importFiles(app.url, owner.accessToken, [{ name: 'library.zip', data: zip }]);
    expect(started.status, started.error?.message).toBe(200);
    const importId = started.result!.data.importId;
    const state = await settleImport(owner, importId);

    expect(state.status).toBe('done');
    expect(state.total).toBe(50);
    expect(state.done).toBe(48);
    expect(state.failed).toBe(2);
    const byName = new Map(state.items.map((item) => [item.name, item]));
    const bad = byName.get('notes/readme.jpg')!;
    expect(bad.status).toBe('refused');
    expect(bad.reason).toMatch(/text|not an image|not a picture|not accepted/i);
    expect(bad).not.toHaveProperty('imageId');
    const duplicate = byName.get('copies/beach-again.jpg')!;
    firstImageOfDuplicate = byName.get('2023/summer/beach-3.jpg')!.imageId;
    expect(duplicate).toMatchObject({ status: 'duplicate', reason: `duplicate of ${firstImageOfDuplicate}` });
    for (const name of originals.keys()) expect(byName.get(name), name).toMatchObject({ status: 'ready', imageId: expect.any(String) });

    const beach = await owner.feed.image.query({ imageId: byName.get('2023/summer/beach-0.jpg')!.imageId! });
    expect(beach.title).toBe('beach-0');
    expect(beach.camera).toMatchObject({ takenAt: expect.stringMatching(/^2023-07-14T18:30:00/) });
    const mine = await owner.upload.mine.query({ limit: 100 });
    expect(mine.items).toHaveLength(48);

    expect((await owner.upload.imports.list.query({})).items[0]).toMatchObject({ importId, total: 50, done: 48, failed: 2, files: ['library.zip'] });
    // Someone else cannot read it.
    const stranger = await app.signUp('stranger');
    await expect(stranger.upload.imports.status.query({ importId })).rejects.toThrow(/no import/);
  }, 180_000);

  it('exports the originals byte for byte with a sidecar each, behind a signed link, and says so in the app and by email', async () => {
    const created = await owner.upload.exports.create.mutate({});
    let state = await owner.upload.exports.status.query({ exportId: created.exportId });
    for (const deadline = Date.now() + 60_000; state.status !== 'ready' && state.status !== 'failed' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await owner.upload.exports.status.query({ exportId: created.exportId });
    }
    expect(state).toMatchObject({ status: 'ready', progress: 1, total: 48, done: 48 });
    expect(state.url).toMatch(/^\/api\/upload\/exports\/download\/[0-9a-f-]{36}\.zip\?exp=\d+&sig=/);
    expect(Date.parse(state.expiresAt!)).toBeGreaterThan(Date.now() + 3_600_000);

    const response = await app.get(state.url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await response.arrayBuffer());
    expect(zip.length).toBe(state.bytes);
    const files = await unzip(zip);
    const photos = [...files.keys()].filter((name) => !name.endsWith('.json'));
    expect(photos).toHaveLength(48);
    expect(new Set(photos.map((name) => sha256(files.get(name)!)))).toEqual(new Set([...originals.values()].map(sha256)));

    const sidecars = [...files.keys()].filter((name) => name.endsWith('.json')).map((name) => JSON.parse(files.get(name)!.toString()) as Record<string, unknown>);
    expect(sidecars).toHaveLength(48);
    const beach = sidecars.find((sidecar) => sidecar.title === 'beach-0')!;
    expect(beach).toMatchObject({ visibility: 'public', description: '', tags: [], takenAt: expect.stringMatching(/^2023-07-14T18:30:00/), contentType: 'image/jpeg' });
    expect(beach.sha256).toBe(sha256(originals.get('2023/summer/beach-0.jpg')!));
    expect(Date.parse(String(beach.createdAt))).not.toBeNaN();
    expect(sha256(files.get(String(beach.file))!)).toBe(beach.sha256);

    // The link is the key: without its signature, or with another, there is nothing.
    expect((await app.get(state.url!.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(404);
    expect((await app.get(state.url!.split('?')[0]!)).status).toBe(404);

    const bell = await owner.notifications.list.query({});
    expect(bell.items.map((item) => item.message)).toContain('Your export of 48 photos is ready to download');
    const mail = readdirSync(join(app.dataDir, 'mail')).map((name) => readFileSync(join(app.dataDir, 'mail', name), 'utf8'));
    expect(mail.some((message) => message.includes('Your Glimpse export is ready to download'))).toBe(true);
  }, 120_000);

  it('exports only the images asked for, and none of anyone else\'s', async () => {
    const stranger = await app.signUp('exporter');
    const theirs = await app.uploadOk(stranger, await photo(500));
    const created = await owner.upload.exports.create.mutate({ imageIds: [firstImageOfDuplicate!, theirs] });
    let state = await owner.upload.exports.status.query({ exportId: created.exportId });
    while (state.status !== 'ready' && state.status !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await owner.upload.exports.status.query({ exportId: created.exportId });
    }
    const files = await unzip(Buffer.from(await (await app.get(state.url!)).arrayBuffer()));
    expect([...files.keys()].filter((name) => !name.endsWith('.json')).map((name) => sha256(files.get(name)!))).toEqual([sha256(originals.get('2023/summer/beach-3.jpg')!)]);
    await expect(stranger.upload.exports.status.query({ exportId: created.exportId })).rejects.toThrow(/no export/);
  }, 60_000);

  it('keeps duplicates when the import asks to', async () => {
    const zip = await zipOf([{ name: 'again.jpg', data: originals.get('photo-20.jpg')! }]);
    const started = await importFiles(app.url, owner.accessToken, [{ name: 'again.zip', data: zip }], { keepDuplicates: 'true' });
    const state = await settleImport(owner, started.result!.data.importId);
    expect(state).toMatchObject({ total: 1, done: 1, failed: 0 });
    expect(state.items[0]!.imageId).not.toBe(firstImageOfDuplicate);
  }, 60_000);
});

describe('hostile imports', () => {
  it('refuses a zip bomb, a lying entry, ../ and absolute paths and a symbolic link, each with its reason, and imports the rest', async () => {
    const owner = await app.signUp('careful');
    const good = await photo(900);
    let zip = await zipOf([
      { name: 'good.jpg', data: good },
      { name: 'bomb.jpg', data: Buffer.alloc(20 * 1024 * 1024) },
      { name: 'xx/evil.jpg', data: await photo(901) },
      { name: 'xetc/abs.jpg', data: await photo(902) },
      { name: 'link.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 },
      { name: 'liar.jpg', data: await photo(903) },
    ]);
    zip = renameZipEntry(zip, 'xx/evil.jpg', '../evil.jpg');
    zip = renameZipEntry(zip, 'xetc/abs.jpg', '/etc/abs.jpg');
    zip = declareZipEntrySize(zip, 'liar.jpg', 100);
    const started = await importFiles(app.url, owner.accessToken, [{ name: 'hostile.zip', data: zip }]);
    expect(started.status, started.error?.message).toBe(200);
    const state = await settleImport(owner, started.result!.data.importId);
    const reason = (name: string) => state.items.find((item) => item.name === name)?.reason;
    expect(state).toMatchObject({ total: 6, done: 1, failed: 5 });
    expect(state.items.find((item) => item.name === 'good.jpg')).toMatchObject({ status: 'ready' });
    expect(reason('bomb.jpg')).toMatch(/zip bomb: 20\.0 MB compressed \d+:1/);
    expect(reason('../evil.jpg')).toMatch(/points outside the zip's folder/);
    expect(reason('/etc/abs.jpg')).toMatch(/absolute path/);
    expect(reason('link.jpg')).toMatch(/symbolic link/);
    expect(reason('liar.jpg')).toMatch(/not the size its header declares/);
    expect((await owner.upload.mine.query({})).items).toHaveLength(1);
  }, 60_000);

  it('takes loose images as several file fields, and refuses a form without files and a stranger without a token', async () => {
    const owner = await app.signUp('loose');
    const started = await importFiles(app.url, owner.accessToken, [
      { name: 'one.jpg', data: await photo(700) },
      { name: 'two.jpg', data: await photo(701) },
    ]);
    const state = await settleImport(owner, started.result!.data.importId);
    expect(state).toMatchObject({ total: 2, done: 2, failed: 0 });
    expect(state.items.map((item) => item.name)).toEqual(['one.jpg', 'two.jpg']);

    const empty = await importFiles(app.url, owner.accessToken, [], { keepDuplicates: 'true' });
    expect(empty).toMatchObject({ status: 400, error: { data: { code: 'BAD_REQUEST', field: 'file' } } });
    expect(empty.error!.message).toMatch(/attach a zip or images/);
    const anonymous = await importFiles(app.url, 'not-a-token', [{ name: 'x.jpg', data: await photo(702) }]);
    expect(anonymous.status).toBe(401);
  }, 60_000);
});

describe('exact duplicates at upload', () => {
  it('answers a second upload of the same file with the image already there, and keeps it when asked to', async () => {
    const owner = await app.signUp('twice');
    const file = await photo(1234);
    const first = await app.upload(owner, file, { filename: 'first.jpg' });
    const again = await app.upload(owner, file, { filename: 'again.jpg' });
    expect(again.status).toBe(200);
    expect(again.result!.data).toMatchObject({ imageId: first.result!.data.imageId, duplicateOf: first.result!.data.imageId });
    expect((await owner.upload.mine.query({})).items).toHaveLength(1);

    const kept = await app.upload(owner, file, { filename: 'kept.jpg', keepDuplicates: 'true' });
    expect(kept.result!.data.imageId).not.toBe(first.result!.data.imageId);
    expect(kept.result!.data).not.toHaveProperty('duplicateOf');
    expect((await owner.upload.mine.query({})).items).toHaveLength(2);

    // Another account's copy is its own.
    const other = await app.signUp('other_twice');
    expect((await app.upload(other, file)).result!.data).not.toHaveProperty('duplicateOf');
  }, 60_000);
});
