import { TEXT_FIELDS, wordsOf } from './query';
import type { Orientation, SearchDocument, Visibility } from './search-index';
import { Vocabulary } from './embedded-vocabulary';

/**
 * The embedded index's documents, column by column: each document has a slot (a small
 * number, reused after a removal) and what filters, sorts and facets read sits in typed
 * arrays at that slot. Words, tags, colours and usernames each have a vocabulary with a
 * posting list per value.
 */

/** One bit per text field in a posting, so a match's weight is a table look-up. */
export const FIELD_BITS = { title: 1, userTags: 2, ownerUsername: 4, description: 8, machineTags: 16 } as const;
type TextField = keyof typeof FIELD_BITS;

/** The added weights of the fields in a mask (a word in title and owner tags counts 4 + 3). */
export const WEIGHT_OF_FIELDS = Float64Array.from({ length: 32 }, (_, mask) =>
  (Object.keys(FIELD_BITS) as TextField[]).reduce((sum, field) => (mask & FIELD_BITS[field] ? sum + TEXT_FIELDS[field] : sum), 0),
);

export const ORIENTATIONS: readonly Orientation[] = ['landscape', 'portrait', 'square'];
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private'];
export const PUBLIC = 0;

/**
 * Per slot, a run of numbers in one shared pool (no small array per document for the
 * garbage collector to walk): how many tags, colours and title words, the run's length,
 * then the tag ids, the colour ids, the title's word ids in order and the description's.
 */
export const LAYOUT = { tags: 0, colors: 1, titleWords: 2, length: 3, start: 4 } as const;

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, index) => value === b[index]);

/** Whether two versions of a document differ only in what no posting list holds (likes, visibility, dates, shape). */
function sameIndexedValues(a: SearchDocument, b: SearchDocument): boolean {
  return (
    a.title === b.title &&
    a.description === b.description &&
    a.ownerUsername === b.ownerUsername &&
    a.ownerId === b.ownerId &&
    sameList(a.tags, b.tags) &&
    sameList(a.userTags, b.userTags) &&
    sameList(a.machineTags, b.machineTags) &&
    sameList(a.colors, b.colors)
  );
}

export class DocumentStore {
  readonly docs: Array<SearchDocument | undefined> = [];
  readonly slotOf = new Map<string, number>();
  private readonly free: number[] = [];
  capacity = 0;
  createdAt = new Float64Array(0);
  likeCount = new Float64Array(0);
  visibility = new Uint8Array(0);
  orientation = new Uint8Array(0);
  owner = new Int32Array(0);
  username = new Int32Array(0);
  /** The slot's camera in `cameras`, -1 for none. */
  camera = new Int32Array(0);
  /** Where each slot's run starts in `pool`. */
  runStart = new Int32Array(0);
  pool = new Int32Array(1 << 16);
  private poolEnd = 0;
  /** Numbers in `pool` that belong to removed or replaced runs; rewritten away when they are half of it. */
  private poolWaste = 0;

  readonly words = new Vocabulary(true);
  readonly tags = new Vocabulary();
  readonly colors = new Vocabulary();
  readonly owners = new Vocabulary();
  readonly usernames = new Vocabulary();
  /** Camera labels as spelt; a column, not posting lists (a filter on them reads the column). */
  readonly cameras = new Vocabulary();

  get size(): number {
    return this.slotOf.size;
  }

  /** Slots ever used (live or free): the bound of every per-slot array. */
  get slots(): number {
    return this.docs.length;
  }

  upsert(doc: SearchDocument): void {
    const slot = this.slotOf.get(doc.id);
    if (slot !== undefined) {
      const old = this.docs[slot] as SearchDocument;
      if (sameIndexedValues(old, doc)) {
        this.docs[slot] = doc;
        this.setColumns(slot, doc);
        return;
      }
      this.remove(doc.id);
    }
    this.add(doc);
  }

  remove(id: string): SearchDocument | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    const doc = this.docs[slot] as SearchDocument;
    for (const word of textWordsOf(doc).keys()) this.words.postingsOf(word)?.remove(slot);
    for (const tag of doc.tags) this.tags.postingsOf(tag)?.remove(slot);
    for (const color of doc.colors) this.colors.postingsOf(color)?.remove(slot);
    this.owners.postingsOf(doc.ownerId)?.remove(slot);
    this.usernames.postingsOf(doc.ownerUsername)?.remove(slot);
    this.docs[slot] = undefined;
    this.poolWaste += this.pool[(this.runStart[slot] as number) + LAYOUT.length] as number;
    this.slotOf.delete(id);
    this.free.push(slot);
    return doc;
  }

  clear(): void {
    this.docs.length = 0;
    this.poolEnd = 0;
    this.poolWaste = 0;
    this.slotOf.clear();
    this.free.length = 0;
    for (const vocabulary of [this.words, this.tags, this.colors, this.owners, this.usernames, this.cameras]) vocabulary.clear();
  }

  *values(): IterableIterator<SearchDocument> {
    for (const doc of this.docs) if (doc) yield doc;
  }

  private add(doc: SearchDocument): void {
    const slot = this.free.pop() ?? this.docs.length;
    if (slot === this.docs.length) this.docs.push(undefined);
    this.ensureCapacity(slot + 1);
    this.setColumns(slot, doc);
    for (const [word, fields] of textWordsOf(doc)) this.words.postings[this.words.id(word)]?.add(slot, fields);
    const tagIds = doc.tags.map((tag) => this.tags.id(tag));
    const colorIds = doc.colors.map((color) => this.colors.id(color));
    for (const id of tagIds) this.tags.postings[id]?.add(slot);
    for (const id of colorIds) this.colors.postings[id]?.add(slot);
    this.owners.postings[this.owner[slot] as number]?.add(slot);
    this.usernames.postings[this.username[slot] as number]?.add(slot);
    const titleWords = wordsOf(doc.title).map((word) => this.words.id(word));
    const descriptionWords = wordsOf(doc.description).map((word) => this.words.id(word));
    const run = [tagIds.length, colorIds.length, titleWords.length, 0, ...tagIds, ...colorIds, ...titleWords, ...descriptionWords];
    run[LAYOUT.length] = run.length;
    // Appended before the slot counts as live: a compaction on the way must not copy its old run.
    this.runStart[slot] = this.append(run);
    this.docs[slot] = doc;
    this.slotOf.set(doc.id, slot);
  }

  /** Puts a run at the end of the pool, first rewriting the pool without dead runs when they fill half of it. */
  private append(run: ArrayLike<number>): number {
    if (this.poolEnd + run.length > this.pool.length) {
      if (this.poolWaste * 2 > this.poolEnd) this.compactPool();
      if (this.poolEnd + run.length > this.pool.length) {
        const pool = new Int32Array(Math.max(this.pool.length * 2, this.poolEnd + run.length));
        pool.set(this.pool.subarray(0, this.poolEnd));
        this.pool = pool;
      }
    }
    const start = this.poolEnd;
    this.pool.set(run, start);
    this.poolEnd += run.length;
    return start;
  }

  private compactPool(): void {
    const pool = new Int32Array(this.pool.length);
    let end = 0;
    for (let slot = 0; slot < this.docs.length; slot += 1) {
      if (this.docs[slot] === undefined) continue;
      const start = this.runStart[slot] as number;
      const length = this.pool[start + LAYOUT.length] as number;
      pool.set(this.pool.subarray(start, start + length), end);
      this.runStart[slot] = end;
      end += length;
    }
    this.pool = pool;
    this.poolEnd = end;
    this.poolWaste = 0;
  }

  private setColumns(slot: number, doc: SearchDocument): void {
    this.createdAt[slot] = doc.createdAt;
    this.likeCount[slot] = doc.likeCount;
    this.visibility[slot] = VISIBILITIES.indexOf(doc.visibility);
    this.orientation[slot] = ORIENTATIONS.indexOf(doc.orientation);
    this.owner[slot] = this.owners.id(doc.ownerId);
    this.username[slot] = this.usernames.id(doc.ownerUsername);
    this.camera[slot] = doc.camera ? this.cameras.id(doc.camera) : -1;
  }

  private ensureCapacity(wanted: number): void {
    if (wanted <= this.capacity) return;
    const capacity = Math.max(1_024, this.capacity * 2, wanted);
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(old: T, make: (size: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.createdAt = grow(this.createdAt, (size) => new Float64Array(size));
    this.likeCount = grow(this.likeCount, (size) => new Float64Array(size));
    this.visibility = grow(this.visibility, (size) => new Uint8Array(size));
    this.orientation = grow(this.orientation, (size) => new Uint8Array(size));
    this.owner = grow(this.owner, (size) => new Int32Array(size));
    this.username = grow(this.username, (size) => new Int32Array(size));
    this.camera = grow(this.camera, (size) => new Int32Array(size));
    this.runStart = grow(this.runStart, (size) => new Int32Array(size));
    this.capacity = capacity;
  }
}

/** Each word of a document's text once, with the fields that hold it as bits. */
export function textWordsOf(doc: SearchDocument): Map<string, number> {
  const words = new Map<string, number>();
  const note = (text: string, bit: number) => {
    for (const word of wordsOf(text)) words.set(word, (words.get(word) ?? 0) | bit);
  };
  note(doc.title, FIELD_BITS.title);
  note(doc.userTags.join(' '), FIELD_BITS.userTags);
  note(doc.machineTags.join(' '), FIELD_BITS.machineTags);
  note(doc.ownerUsername, FIELD_BITS.ownerUsername);
  note(doc.description, FIELD_BITS.description);
  return words;
}
