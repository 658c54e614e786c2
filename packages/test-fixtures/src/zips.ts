import yazl from 'yazl';

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Unix mode with the file type, e.g. 0o120777 for a symbolic link. */
  mode?: number;
  compress?: boolean;
}

/** A zip of these entries, built with yazl in memory (test-sized). */
export function zipOf(entries: readonly ZipEntrySpec[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, { mode: entry.mode, compress: entry.compress ?? true, mtime: new Date('2024-01-02T03:04:05Z') });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.once('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.once('error', reject);
  });
}

/**
 * Renames an entry in place (same length), in its local header and in the central directory:
 * how a hostile zip gets names yazl refuses to write, such as `../evil.jpg` or `/etc/x.jpg`.
 */
export function renameZipEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('renameZipEntry: the names must have the same length');
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  let at = out.indexOf(needle);
  let found = 0;
  while (at >= 0) {
    out.write(to, at);
    found++;
    at = out.indexOf(needle, at + needle.length);
  }
  if (found < 2) throw new Error(`renameZipEntry: ${from} not found in both headers`);
  return out;
}

/** Makes the central directory declare `size` uncompressed bytes for an entry (a zip that lies about its contents). */
export function declareZipEntrySize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
    const nameLength = out.readUInt16LE(at + 28);
    if (out.subarray(at + 46, at + 46 + nameLength).toString() === name) {
      out.writeUInt32LE(size, at + 24);
      return out;
    }
  }
  throw new Error(`declareZipEntrySize: no entry ${name}`);
}
