import { createEmbeddedRecommender } from './embedded';
import { createGorseRecommender } from './gorse';
import type { Recommender } from './recommender';

export type { Feedback, FeedbackType, Recommender, RecommenderItem } from './recommender';
export { GORSE_MACHINE_LABEL_MIN_CONFIDENCE, MACHINE_LABEL_WEIGHT, RecommenderUnavailableError, isRecommenderUnavailable } from './recommender';
export { createEmbeddedRecommender, type EmbeddedRecommenderOptions } from './embedded';
export { createGorseRecommender, OWN_FEEDBACK_TYPE, type GorseRecommenderOptions } from './gorse';

export interface RecommenderSettings {
  /** GORSE_URL: the Gorse server API; without it, the in-process recommender. */
  gorseUrl?: string;
  /** GORSE_API_KEY */
  gorseApiKey?: string;
  /** Per-request timeout for Gorse in ms (default 3000). */
  gorseTimeoutMs?: number;
}

/**
 * Gorse when `gorseUrl` is set, else the embedded recommender. The embedded one starts empty:
 * the caller feeds it from the database at start and on every change.
 */
export function openRecommender(settings: RecommenderSettings): Recommender {
  if (settings.gorseUrl) return createGorseRecommender({ url: settings.gorseUrl, apiKey: settings.gorseApiKey, timeoutMs: settings.gorseTimeoutMs });
  return createEmbeddedRecommender();
}
