export { createProcessImageHandler, type ProcessImageDeps, type ProcessImagePayload } from './process-image';
export { reconcileStuckImages, redriveDeadLetters, retagAll, sweepOrphans, type SweepResult } from './operations';
export { createIndexImageHandler, loadIndexEntries, type IndexImageDeps, type IndexImagePayload, type IndexImageSource } from './index-image';
export { reindexAll, type ReindexProgress } from './reindex';
export { createTagImageHandler, type TagImageDeps } from './tag-image';
