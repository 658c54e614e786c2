import { mkdir, open, readFile, rename, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SearchDocument } from './search-index';

/**
 * The embedded index on disk: a JSON-lines journal of writes, replayed at start. Each
 * write is appended and flushed before it resolves, so an acknowledged upsert survives a
 * crash; a write torn by a crash is the last line and is dropped. When the journal holds
 * far more lines than live documents it is rewritten whole (to a temporary file, then
 * renamed over the old one), so it stays near the size of the index.
 */

export type JournalEntry = { op: 'upsert'; documents: SearchDocument[] } | { op: 'remove'; ids: string[] };

/** The live documents, which a compaction writes out. */
export interface LiveDocuments {
  readonly size: number;
  values(): Iterable<SearchDocument>;
}

const header = { format: 'glimpse-search-index', version: 1 };
const batchSize = 500;

export class Journal {
  private lines: number;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    lines: number,
  ) {
    this.lines = lines;
  }

  /** Replays the journal at `path` (none yet is an empty index) and gives back the documents it holds. */
  static async open(path: string): Promise<{ journal: Journal; documents: Map<string, SearchDocument> }> {
    const documents = new Map<string, SearchDocument>();
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const lines = text.split('\n');
    let goodBytes = 0;
    let entries = 0;
    for (const [index, line] of lines.entries()) {
      if (line === '') continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch (error) {
        const isLast = lines.slice(index + 1).every((rest) => rest === '');
        if (isLast) break; // torn by a crash mid-write: that write was never acknowledged
        throw new Error(`Search index journal ${path} is damaged at line ${index + 1}; delete it and run reindex to rebuild the index from the database.`, { cause: error });
      }
      if (index === 0) {
        const found = entry as typeof header;
        if (found.format !== header.format || found.version !== header.version) {
          throw new Error(`${path} is not a search index journal of version ${header.version}; delete it and run reindex.`);
        }
      } else {
        apply(documents, entry as JournalEntry);
        entries += 1;
      }
      goodBytes += Buffer.byteLength(line) + 1;
    }
    if (goodBytes < Buffer.byteLength(text)) await truncate(path, goodBytes);
    const journal = new Journal(path, entries);
    if (goodBytes === 0) await journal.rewrite(documents.values());
    else await journal.compactIfLarge(documents);
    return { journal, documents };
  }

  /** Appends one write and flushes it to disk; writes land in the order they were made. */
  append(entry: JournalEntry, documents: LiveDocuments): Promise<void> {
    return this.serially(async () => {
      await appendDurably(this.path, `${JSON.stringify(entry)}\n`);
      this.lines += 1;
      await this.compactIfLarge(documents);
    });
  }

  /** Replaces the journal with the given documents (all of them, or none to clear). */
  replace(documents: Iterable<SearchDocument>): Promise<void> {
    return this.serially(() => this.rewrite(documents));
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async compactIfLarge(documents: LiveDocuments): Promise<void> {
    if (this.lines > 1_000 + documents.size / 50) await this.rewrite(documents.values());
  }

  private async rewrite(documents: Iterable<SearchDocument>): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    const file = await open(temporary, 'w');
    let lines = 0;
    try {
      await file.write(`${JSON.stringify(header)}\n`);
      let batch: SearchDocument[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await file.write(`${JSON.stringify({ op: 'upsert', documents: batch } satisfies JournalEntry)}\n`);
        lines += 1;
        batch = [];
      };
      for (const doc of documents) {
        batch.push(doc);
        if (batch.length === batchSize) await flush();
      }
      await flush();
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    await syncDirectory(dirname(this.path));
    this.lines = lines;
  }
}

function apply(documents: Map<string, SearchDocument>, entry: JournalEntry): void {
  if (entry.op === 'upsert') for (const doc of entry.documents) documents.set(doc.id, doc);
  else for (const id of entry.ids) documents.delete(id);
}

async function appendDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'a');
  try {
    await file.write(text);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** Makes a rename durable; some file systems refuse to open a directory, which is fine. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r').catch(() => undefined);
  if (!directory) return;
  try {
    await directory.sync().catch(() => undefined);
  } finally {
    await directory.close();
  }
}
