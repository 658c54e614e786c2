import { GlimpseError } from '@glimpse/errors';

/**
 * The Recommender capability: what the feed service asks for (personalised, popular and
 * similar image ids) and what the indexer feeds it (items, users, likes and views). Its data
 * is derived from the database and can always be rebuilt from it (`clear` then re-feed).
 */

/** How much a machine label counts against an owner's tag (1), before its confidence. */
export const MACHINE_LABEL_WEIGHT = 0.5;
/** Gorse weighs every label alike, so only machine labels this sure reach it. */
export const GORSE_MACHINE_LABEL_MIN_CONFIDENCE = 0.6;

/** Each label of an item with how much it counts: the owner's 1, a machine label's less (the larger when both). */
export function labelWeightsOf(item: Pick<RecommenderItem, 'labels' | 'machineLabels'>): Map<string, number> {
  const weights = new Map<string, number>();
  for (const { label, confidence } of item.machineLabels ?? []) {
    const weight = MACHINE_LABEL_WEIGHT * Math.min(1, Math.max(0, confidence));
    if (weight > 0) weights.set(label, Math.max(weight, weights.get(label) ?? 0));
  }
  for (const label of item.labels) weights.set(label, 1);
  return weights;
}

export interface RecommenderItem {
  id: string;
  /** The owner's tags. */
  labels: string[];
  /**
   * The tagger's labels with its confidence (0–1). They count for less than the owner's tags:
   * the embedded recommender weighs each at MACHINE_LABEL_WEIGHT × confidence, Gorse (labels
   * only) gets those at GORSE_MACHINE_LABEL_MIN_CONFIDENCE or above.
   */
  machineLabels?: Array<{ label: string; confidence: number }>;
  timestamp: Date;
  /** Not public, not ready or moderated: never recommended anywhere. */
  hidden: boolean;
  ownerId: string;
}

/** `like` is positive feedback; `read` is a view. */
export type FeedbackType = 'like' | 'read';

export interface Feedback {
  type: FeedbackType;
  userId: string;
  itemId: string;
  timestamp: Date;
}

export interface Recommender {
  readonly kind: 'embedded' | 'gorse';
  /** Inserts or replaces items (labels, visibility, owner). */
  upsertItems(items: RecommenderItem[]): Promise<void>;
  /** Removes an item and all feedback on it. Removing an unknown item is not an error. */
  removeItem(itemId: string): Promise<void>;
  /** Makes the user known; with `labels`, replaces the user's declared interests. */
  upsertUser(userId: string, labels?: string[]): Promise<void>;
  /** Records likes and views; recording the same (type, user, item) again is harmless. */
  insertFeedback(feedback: Feedback[]): Promise<void>;
  /** Removes one piece of feedback (an unlike). Removing absent feedback is not an error. */
  deleteFeedback(type: FeedbackType, userId: string, itemId: string): Promise<void>;
  /**
   * Personalised item ids for the user, best first, excluding items the user liked or read
   * and the user's own; cold start -> popular then latest.
   */
  recommend(userId: string, n: number, offset?: number): Promise<string[]>;
  /** Popularity with time decay, best first; items nobody liked follow, newest first. */
  popular(n: number, offset?: number): Promise<string[]>;
  /** Item neighbours (co-occurrence of likes and shared labels), nearest first. */
  similar(itemId: string, n: number): Promise<string[]>;
  /** Forgets everything (before a reindex). */
  clear(): Promise<void>;
  /** Resolves when the engine answers (and accepts our credentials); rejects otherwise. */
  ping(): Promise<void>;
}

/**
 * The recommender cannot answer (refused connection, timeout, 5xx, refused credentials).
 * Callers fall back to database ordering; where none exists the edge answers SERVICE_UNAVAILABLE.
 */
export class RecommenderUnavailableError extends GlimpseError {
  override readonly name: string = 'RecommenderUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('RECOMMENDER_UNAVAILABLE', message, undefined, options);
  }
}

export function isRecommenderUnavailable(error: unknown): error is RecommenderUnavailableError {
  return error instanceof RecommenderUnavailableError;
}

/** Checks `n` and `offset` the same way for every adapter. */
export function assertPage(n: number, offset: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
}
