import { labelWeightsOf, type Feedback, type FeedbackType, type RecommenderItem } from './recommender';

/**
 * An item as the embedded recommender keeps it. An upsert updates the same object in place,
 * so the indexes and caches that point at it stay valid.
 */
export interface StoredItem {
  readonly id: string;
  /** Deduplicated: the owner's tags and the machine's labels. */
  labels: readonly string[];
  /** How much each label counts (the owner's 1, a machine label less). */
  labelWeight: ReadonlyMap<string, number>;
  /** ms since the epoch */
  time: number;
  hidden: boolean;
  ownerId: string;
  /** How many people like it / viewed it (the sizes of likersOf / readersOf). */
  likers: number;
  readers: number;
  /** A dense index (reused after removal), so that scoring can use typed arrays. */
  readonly slot: number;
}

/**
 * What the embedded recommender has been fed, indexed both ways (item -> users and user ->
 * items) so that co-occurrence and label affinity are walks over small sets, not scans.
 * Feedback is kept even when its item is not (yet) known: the feeder may send a like before
 * the item, and an unknown item is simply never a candidate.
 */
export class EmbeddedState {
  readonly items = new Map<string, StoredItem>();
  /** item -> user -> time of the like */
  readonly likersOf = new Map<string, Map<string, number>>();
  /** user -> item -> time of the like */
  readonly likesOf = new Map<string, Map<string, number>>();
  readonly readersOf = new Map<string, Set<string>>();
  readonly readsOf = new Map<string, Set<string>>();
  readonly ownedBy = new Map<string, Set<string>>();
  readonly itemsWithLabel = new Map<string, Set<StoredItem>>();
  readonly userLabels = new Map<string, readonly string[]>();
  /** Bumped on every change, so derived rankings know when they are stale. */
  version = 0;
  /** One more than the highest slot in use: the length of per-item arrays. */
  slotCount = 0;
  private freeSlots: number[] = [];
  /** Sorted views (latest first, ties by id), kept until the item's or user's likes change. */
  private readonly likersByRecency = new Map<string, readonly string[]>();
  private readonly likedItemsByRecency = new Map<string, readonly StoredItem[]>();

  /** Who liked the item, latest first, so that every walk over them is repeatable. */
  recentLikers(itemId: string): readonly string[] {
    let sorted = this.likersByRecency.get(itemId);
    if (!sorted) this.likersByRecency.set(itemId, (sorted = byRecency(this.likersOf.get(itemId))));
    return sorted;
  }

  /** The known items the user liked, latest first. */
  recentLikedItems(userId: string): readonly StoredItem[] {
    let sorted = this.likedItemsByRecency.get(userId);
    if (!sorted) {
      sorted = byRecency(this.likesOf.get(userId)).flatMap((itemId) => this.items.get(itemId) ?? []);
      this.likedItemsByRecency.set(userId, sorted);
    }
    return sorted;
  }

  upsertItem(input: RecommenderItem): void {
    const time = input.timestamp.getTime();
    if (!Number.isFinite(time)) throw new RangeError(`item ${input.id}: timestamp is not a valid date`);
    let item = this.items.get(input.id);
    if (item) this.unindexItem(item);
    else {
      const slot = this.freeSlots.pop() ?? this.slotCount++;
      item = { id: input.id, labels: [], labelWeight: new Map(), time, hidden: false, ownerId: '', likers: 0, readers: 0, slot };
      this.items.set(item.id, item);
      this.countFeedback(item.id);
      // Likes that arrived before the item now count in their users' walks.
      for (const userId of this.likersOf.get(item.id)?.keys() ?? []) this.likedItemsByRecency.delete(userId);
    }
    const labelWeight = labelWeightsOf(input);
    Object.assign(item, { labels: [...labelWeight.keys()], labelWeight, time, hidden: input.hidden, ownerId: input.ownerId });
    for (const label of item.labels) addTo(this.itemsWithLabel, label, item);
    if (item.ownerId) addTo(this.ownedBy, item.ownerId, item.id);
    this.version++;
  }

  removeItem(itemId: string): void {
    const item = this.items.get(itemId);
    if (item) {
      this.unindexItem(item);
      this.items.delete(itemId);
      this.freeSlots.push(item.slot);
    }
    for (const userId of this.likersOf.get(itemId)?.keys() ?? []) {
      deleteFrom(this.likesOf, userId, itemId);
      this.likedItemsByRecency.delete(userId);
    }
    this.likersOf.delete(itemId);
    this.likersByRecency.delete(itemId);
    for (const userId of this.readersOf.get(itemId) ?? []) deleteFrom(this.readsOf, userId, itemId);
    this.readersOf.delete(itemId);
    this.version++;
  }

  upsertUser(userId: string, labels: readonly string[] | undefined): void {
    if (labels) this.userLabels.set(userId, [...new Set(labels)]);
    else if (!this.userLabels.has(userId)) this.userLabels.set(userId, []);
    this.version++;
  }

  insertFeedback(feedback: Feedback): void {
    const { userId, itemId } = feedback;
    if (feedback.type === 'like') {
      const time = feedback.timestamp.getTime();
      const previous = this.likesOf.get(userId)?.get(itemId);
      // The latest like wins: a like, unlike and like again is a recent like.
      const kept = previous === undefined ? time : Math.max(previous, time);
      setIn(this.likesOf, userId, itemId, kept);
      setIn(this.likersOf, itemId, userId, kept);
      this.forgetOrder(userId, itemId);
    } else {
      addTo(this.readsOf, userId, itemId);
      addTo(this.readersOf, itemId, userId);
    }
    this.countFeedback(itemId);
    this.version++;
  }

  deleteFeedback(type: FeedbackType, userId: string, itemId: string): void {
    if (type === 'like') {
      deleteFrom(this.likesOf, userId, itemId);
      deleteFrom(this.likersOf, itemId, userId);
      this.forgetOrder(userId, itemId);
    } else {
      deleteFrom(this.readsOf, userId, itemId);
      deleteFrom(this.readersOf, itemId, userId);
    }
    this.countFeedback(itemId);
    this.version++;
  }

  clear(): void {
    for (const map of [this.items, this.likersOf, this.likesOf, this.readersOf, this.readsOf, this.ownedBy, this.itemsWithLabel, this.userLabels]) {
      map.clear();
    }
    this.likersByRecency.clear();
    this.likedItemsByRecency.clear();
    this.slotCount = 0;
    this.freeSlots = [];
    this.version++;
  }

  /** Inverse document frequency of a label over all known items. */
  idf(label: string): number {
    const frequency = this.itemsWithLabel.get(label)?.size ?? 0;
    return Math.log(1 + this.items.size / Math.max(1, frequency));
  }

  private countFeedback(itemId: string): void {
    const item = this.items.get(itemId);
    if (!item) return;
    item.likers = this.likersOf.get(itemId)?.size ?? 0;
    item.readers = this.readersOf.get(itemId)?.size ?? 0;
  }

  private forgetOrder(userId: string, itemId: string): void {
    this.likedItemsByRecency.delete(userId);
    this.likersByRecency.delete(itemId);
  }

  private unindexItem(item: StoredItem): void {
    for (const label of item.labels) deleteFrom(this.itemsWithLabel, label, item);
    if (item.ownerId) deleteFrom(this.ownedBy, item.ownerId, item.id);
  }
}

function byRecency(times: Map<string, number> | undefined): string[] {
  return [...(times ?? [])].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

function setIn<K, V>(index: Map<K, Map<V, number>>, key: K, value: V, time: number): void {
  const map = index.get(key);
  if (map) map.set(value, time);
  else index.set(key, new Map([[value, time]]));
}

function deleteFrom<K, V>(index: Map<K, Set<V> | Map<V, number>>, key: K, value: V): void {
  const entry = index.get(key);
  if (!entry) return;
  entry.delete(value);
  if (entry.size === 0) index.delete(key);
}
