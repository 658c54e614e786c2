import { GlimpseError } from '@glimpse/errors';

/**
 * The Recommender capability: what the feed service asks for (personalised, popular and
 * similar image ids) and what the indexer feeds it (items, users, likes and views). Its data
 * is derived from the database and can always be rebuilt from it (`clear` then re-feed).
 */

export interface RecommenderItem {
  id: string;
  /** Tags, user and machine alike. */
  labels: string[];
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
