export { createProcessImageHandler, type ProcessImageDeps, type ProcessImagePayload } from './process-image';
export { reconcileStuckImages, redriveDeadLetters, sweepOrphans, type SweepResult } from './operations';
