/**
 * The embedded index's word lists: for each word (or tag, colour, owner) the documents that
 * hold it, as slot numbers in a growable typed array, and for text words which fields
 * (a bit mask), so scoring needs no second look-up.
 */
export class PostingList {
  slots = new Int32Array(4);
  fields = new Uint8Array(4);
  length = 0;

  add(slot: number, fields = 0): void {
    if (this.length === this.slots.length) {
      const slots = new Int32Array(this.length * 2);
      slots.set(this.slots);
      this.slots = slots;
      const masks = new Uint8Array(this.length * 2);
      masks.set(this.fields);
      this.fields = masks;
    }
    this.slots[this.length] = slot;
    this.fields[this.length] = fields;
    this.length += 1;
  }

  /** Order within a list does not matter (searches mark slots, they do not merge lists), so the last entry fills the gap. */
  remove(slot: number): void {
    const { slots } = this;
    for (let index = this.length - 1; index >= 0; index -= 1) {
      if (slots[index] !== slot) continue;
      this.length -= 1;
      slots[index] = slots[this.length] as number;
      this.fields[index] = this.fields[this.length] as number;
      return;
    }
  }
}

/** Values to small numbers with a posting list each; the text vocabulary also keeps its words sorted, for prefixes and typos. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  readonly postings: PostingList[] = [];
  /** Word ids in the order of their words, kept sorted as words arrive (a new word is rare once a library has grown). */
  private readonly sorted: number[] = [];

  constructor(private readonly keepSorted = false) {}

  get size(): number {
    return this.values.length;
  }

  get(value: string): number | undefined {
    return this.ids.get(value);
  }

  id(value: string): number {
    let id = this.ids.get(value);
    if (id !== undefined) return id;
    id = this.values.push(value) - 1;
    this.ids.set(value, id);
    this.postings.push(new PostingList());
    if (this.keepSorted) this.sorted.splice(this.lowerBound(value), 0, id);
    return id;
  }

  postingsOf(value: string): PostingList | undefined {
    const id = this.ids.get(value);
    return id === undefined ? undefined : this.postings[id];
  }

  clear(): void {
    this.ids.clear();
    this.values.length = 0;
    this.postings.length = 0;
    this.sorted.length = 0;
  }

  private wordAt(position: number): string {
    return this.values[this.sorted[position] as number] as string;
  }

  /** The first position whose word is not below `value`. */
  private lowerBound(value: string, from = 0): number {
    let low = from;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.wordAt(middle) < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The first position from `from` whose word does not start with `prefix` (those that do are side by side). */
  private endOfPrefix(prefix: string, from: number): number {
    let low = from;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.wordAt(middle).startsWith(prefix)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Ids of the words that start with `prefix` and longer than it. */
  longerWithPrefix(prefix: string): number[] {
    const ids: number[] = [];
    const start = this.lowerBound(prefix);
    const end = this.endOfPrefix(prefix, start);
    for (let position = start; position < end; position += 1) {
      const id = this.sorted[position] as number;
      if ((this.values[id] as string).length > prefix.length) ids.push(id);
    }
    return ids;
  }

  /**
   * Words within `budget` edits of `word`, a transposition counting as one (optimal string
   * alignment distance), other than the word itself. The sorted words are walked as a trie:
   * words sharing a start share the rows of the distance table computed for it, and once
   * every cell of a row is over budget, every word with that start is skipped at once.
   */
  withinTypos(word: string, budget: number): Array<{ id: number; typos: number }> {
    const found: Array<{ id: number; typos: number }> = [];
    const width = word.length + 1;
    const rows: Int32Array[] = [Int32Array.from({ length: width }, (_, column) => column)];
    let previous = '';
    let validDepth = 0;
    const target = Array.from({ length: word.length }, (_, index) => word.charCodeAt(index));
    for (let position = 0; position < this.sorted.length; ) {
      const candidate = this.wordAt(position);
      let depth = 0;
      const shared = Math.min(validDepth, candidate.length, previous.length);
      while (depth < shared && candidate.charCodeAt(depth) === previous.charCodeAt(depth)) depth += 1;
      let pruned = false;
      for (; depth < candidate.length; ) {
        const above = rows[depth] as Int32Array;
        const twoAbove = rows[depth - 1];
        const row = (rows[depth + 1] ??= new Int32Array(width));
        const letter = candidate.charCodeAt(depth);
        const letterBefore = depth > 0 ? candidate.charCodeAt(depth - 1) : -1;
        row[0] = depth + 1;
        let smallest = depth + 1;
        for (let column = 1; column < width; column += 1) {
          const wanted = target[column - 1] as number;
          let cost = Math.min((above[column] as number) + 1, (row[column - 1] as number) + 1, (above[column - 1] as number) + (wanted === letter ? 0 : 1));
          if (twoAbove && column > 1 && letter === target[column - 2] && letterBefore === wanted) {
            cost = Math.min(cost, (twoAbove[column - 2] as number) + 1);
          }
          row[column] = cost;
          if (cost < smallest) smallest = cost;
        }
        depth += 1;
        if (smallest > budget) {
          pruned = true;
          break;
        }
      }
      previous = candidate;
      validDepth = depth;
      if (pruned) {
        position = this.endOfPrefix(candidate.slice(0, depth), position + 1);
        continue;
      }
      const typos = (rows[candidate.length] as Int32Array)[word.length] as number;
      if (typos > 0 && typos <= budget) found.push({ id: this.sorted[position] as number, typos });
      position += 1;
    }
    return found;
  }
}
