import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { ObjectNotFoundError, type ObjectStorage } from '@glimpse/object-storage';

/**
 * What every object storage adapter must do, run against each one (files on disk in
 * `npm test`, a live MinIO in the stack tier), so the embedded default cannot drift from S3.
 * Every test writes under a prefix of its own, so the suite can share one bucket and re-run.
 */
export function describeObjectStorageContract(name: string, open: () => Promise<{ storage: ObjectStorage; bucket: string }>) {
  describe(`object storage contract: ${name}`, () => {
    let storage: ObjectStorage;
    let bucket: string;
    beforeAll(async () => {
      ({ storage, bucket } = await open());
      await storage.ensureBucket(bucket);
    });

    const fresh = (suffix: string) => `contract/${randomUUID()}/${suffix}`;
    const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
    const read = async (stream: Readable) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    const list = async (prefix: string) => {
      const found = [];
      for await (const object of storage.listObjects(bucket, prefix)) found.push(object);
      return found.sort((a, b) => (a.key < b.key ? -1 : 1));
    };

    it('answers ping when it is reachable', async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it('ensures a bucket idempotently, also when replicas do it at once, and keeps its objects', async () => {
      const key = fresh('kept.bin');
      await storage.putObject(bucket, key, Buffer.from('kept'), 'application/octet-stream');
      await storage.ensureBucket(bucket);
      await Promise.all([storage.ensureBucket(bucket), storage.ensureBucket(bucket), storage.ensureBucket(bucket)]);
      expect((await storage.getObject(bucket, key)).toString()).toBe('kept');
    });

    it('round-trips binary data byte for byte: every byte value, an empty object and 5 MB of random bytes', async () => {
      const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const large = randomBytes(5 * 1024 * 1024);
      for (const [suffix, body] of [['every-byte.bin', everyByte], ['empty.bin', Buffer.alloc(0)], ['large.bin', large]] as const) {
        const key = fresh(suffix);
        const info = await storage.putObject(bucket, key, body, 'application/octet-stream');
        expect(info.size).toBe(body.length);
        const back = await storage.getObject(bucket, key);
        expect(back.length).toBe(body.length);
        expect(md5(back)).toBe(md5(body));
      }
    });

    it('gives a quoted ETag that is the same for the same content, differs for other content, and matches stat', async () => {
      const body = randomBytes(1000);
      const [first, second, other] = [fresh('a.bin'), fresh('b.bin'), fresh('c.bin')];
      const a = await storage.putObject(bucket, first, body, 'application/octet-stream');
      const b = await storage.putObject(bucket, second, Buffer.from(body), 'application/octet-stream');
      const again = await storage.putObject(bucket, first, body, 'application/octet-stream');
      const c = await storage.putObject(bucket, other, randomBytes(1000), 'application/octet-stream');
      expect(a.etag).toMatch(/^"[^"]+"$/);
      expect(b.etag).toBe(a.etag);
      expect(again.etag).toBe(a.etag);
      expect(c.etag).not.toBe(a.etag);
      expect((await storage.statObject(bucket, first))?.etag).toBe(a.etag);
    });

    it('keeps the content type, size and modification time, and an overwrite replaces content and type', async () => {
      const key = fresh('photo.webp');
      const before = Date.now();
      const put = await storage.putObject(bucket, key, Buffer.from('webp bytes'), 'image/webp');
      expect(put.contentType).toBe('image/webp');
      const info = await storage.statObject(bucket, key);
      expect(info).toMatchObject({ size: 10, contentType: 'image/webp', etag: put.etag });
      // S3 keeps Last-Modified to the second; allow for that and a little clock skew.
      expect(info!.lastModified.getTime()).toBeGreaterThanOrEqual(before - 2000);
      expect(info!.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 2000);

      await storage.putObject(bucket, key, Buffer.from('{"a":1}'), 'application/json');
      expect(await storage.statObject(bucket, key)).toMatchObject({ size: 7, contentType: 'application/json' });
      expect((await storage.getObject(bucket, key)).toString()).toBe('{"a":1}');
    });

    it('reports a missing object: stat gives undefined, get and open throw ObjectNotFoundError naming it', async () => {
      const key = fresh('missing.bin');
      expect(await storage.statObject(bucket, key)).toBeUndefined();
      const error = await storage.getObject(bucket, key).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect(error).toMatchObject({ bucket, key });
      await expect(storage.openObject(bucket, key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(storage.openObject(bucket, key, { start: 0, end: 0 })).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('does not take a prefix of other keys for an object', async () => {
      const folder = fresh('images');
      await storage.putObject(bucket, `${folder}/thumb.webp`, Buffer.from('x'), 'image/webp');
      expect(await storage.statObject(bucket, folder)).toBeUndefined();
      await expect(storage.getObject(bucket, folder)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(storage.openObject(bucket, folder)).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('streams the whole object and inclusive byte ranges exactly: middle, last byte, first byte, past the end', async () => {
      const body = randomBytes(256 * 1024 + 7);
      const key = fresh('ranged.bin');
      await storage.putObject(bucket, key, body, 'application/octet-stream');
      const last = body.length - 1;
      expect((await read(await storage.openObject(bucket, key))).equals(body)).toBe(true);
      expect((await read(await storage.openObject(bucket, key, { start: 1000, end: 99_999 }))).equals(body.subarray(1000, 100_000))).toBe(true);
      expect((await read(await storage.openObject(bucket, key, { start: last, end: last }))).equals(body.subarray(last))).toBe(true);
      expect((await read(await storage.openObject(bucket, key, { start: 0, end: 0 }))).equals(body.subarray(0, 1))).toBe(true);
      expect((await read(await storage.openObject(bucket, key, { start: 200, end: 200 }))).equals(body.subarray(200, 201))).toBe(true);
      // Like an HTTP server, an end past the object is cut to its last byte.
      expect((await read(await storage.openObject(bucket, key, { start: last - 9, end: last + 1000 }))).equals(body.subarray(last - 9))).toBe(true);
    });

    it('refuses a range whose end is before its start or whose offsets are not whole bytes', async () => {
      const key = fresh('range-checked.bin');
      await storage.putObject(bucket, key, Buffer.from('0123456789'), 'text/plain');
      await expect(storage.openObject(bucket, key, { start: 5, end: 4 })).rejects.toThrow(/range/i);
      await expect(storage.openObject(bucket, key, { start: -1, end: 4 })).rejects.toThrow(/range/i);
      await expect(storage.openObject(bucket, key, { start: 0.5, end: 4 })).rejects.toThrow(/range/i);
    });

    it('deletes an object, and deleting it again, or one that never existed, is not an error', async () => {
      const key = fresh('doomed.bin');
      await storage.putObject(bucket, key, Buffer.from('bye'), 'text/plain');
      await storage.deleteObject(bucket, key);
      expect(await storage.statObject(bucket, key)).toBeUndefined();
      await expect(storage.getObject(bucket, key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await list(key)).toEqual([]);
      await expect(storage.deleteObject(bucket, key)).resolves.toBeUndefined();
      await expect(storage.deleteObject(bucket, fresh('never.bin'))).resolves.toBeUndefined();
    });

    it('lists exactly the keys under a prefix, nested ones included, with their sizes and times', async () => {
      const root = `contract/${randomUUID()}`;
      const [id, sibling] = [randomUUID(), randomUUID()];
      const sizes: Record<string, number> = {
        [`${root}/images/${id}/thumb.webp`]: 11,
        [`${root}/images/${id}/medium.webp`]: 222,
        [`${root}/images/${id}/large/1.webp`]: 3333,
        [`${root}/images/${id}-b/thumb.webp`]: 4,
        [`${root}/images/${sibling}/thumb.webp`]: 5,
        [`${root}/originals/${id}`]: 6,
      };
      const before = Date.now();
      await Promise.all(Object.entries(sizes).map(([key, size]) => storage.putObject(bucket, key, randomBytes(size), 'image/webp')));

      const under = await list(`${root}/images/${id}/`);
      expect(under.map((object) => object.key)).toEqual([`${root}/images/${id}/large/1.webp`, `${root}/images/${id}/medium.webp`, `${root}/images/${id}/thumb.webp`]);
      for (const object of under) {
        expect(object.size).toBe(sizes[object.key]);
        expect(object.lastModified.getTime()).toBeGreaterThanOrEqual(before - 2000);
        expect(object.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
      }
      // A prefix need not end at a slash: it matches the start of keys, as in S3.
      expect((await list(`${root}/images/${id}`)).map((object) => object.key)).toHaveLength(4);
      expect((await list(`${root}/images/`)).map((object) => object.key)).toHaveLength(5);
      expect((await list(`${root}/`)).map((object) => object.key).sort()).toEqual(Object.keys(sizes).sort());
      expect(await list(`${root}/nothing/`)).toEqual([]);
    });

    it('rejects keys that could escape the bucket, and writes nothing for them', async () => {
      const marker = randomUUID();
      for (const key of [`../${marker}`, `/tmp/${marker}`, `a/../../${marker}`, `a//${marker}`, `./${marker}`, '']) {
        await expect(storage.putObject(bucket, key, Buffer.from('x'), 'text/plain'), key).rejects.toThrow(/key/i);
        await expect(storage.getObject(bucket, key), key).rejects.toThrow(/key/i);
        await expect(storage.statObject(bucket, key), key).rejects.toThrow(/key/i);
        await expect(storage.openObject(bucket, key), key).rejects.toThrow(/key/i);
        await expect(storage.deleteObject(bucket, key), key).rejects.toThrow(/key/i);
      }
      const everything = [];
      for await (const object of storage.listObjects(bucket)) everything.push(object.key);
      expect(everything.filter((key) => key.includes(marker))).toEqual([]);
    });

    it('writes an object from a stream of unknown length, byte for byte, and a failing stream leaves no object', async () => {
      const chunks = Array.from({ length: 12 }, () => randomBytes(512 * 1024 + 3));
      const whole = Buffer.concat(chunks);
      const key = fresh('streamed.zip');
      const put = await storage.putObjectStream(bucket, key, Readable.from(chunks), 'application/zip');
      expect(put.size).toBe(whole.length);
      expect(put.etag).toMatch(/^"[^"]+"$/);
      expect(await storage.statObject(bucket, key)).toMatchObject({ size: whole.length, contentType: 'application/zip', etag: put.etag });
      expect(md5(await read(await storage.openObject(bucket, key)))).toBe(md5(whole));

      const broken = fresh('broken.zip');
      async function* failsMidway() {
        yield randomBytes(256 * 1024);
        throw new Error('the source went away');
      }
      await expect(storage.putObjectStream(bucket, broken, Readable.from(failsMidway()), 'application/zip')).rejects.toThrow(/went away/);
      expect(await storage.statObject(bucket, broken)).toBeUndefined();
      expect((await list(broken)).map((object) => object.key)).toEqual([]);
    });

    it('rejects bucket names S3 would refuse, on every implementation', async () => {
      for (const name of ['..', '../x', 'UPPER', 'ab', 'under_score', '-dash', 'a..b']) {
        await expect(storage.ensureBucket(name), name).rejects.toThrow(/bucket/i);
        await expect(storage.putObject(name, 'k', Buffer.from('x'), 'text/plain'), name).rejects.toThrow(/bucket/i);
      }
    });
  });
}
