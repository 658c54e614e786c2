export type { ImageTagger, MachineLabel, TaggerOptions, TaggingResult } from './types';
export { createImageTagger, OBJECT_INPUT_SIZE } from './tagger';
export { createImageTaggerThread } from './thread';
export {
  BODY_MIN_CONFIDENCE,
  DEFAULT_OBJECT_THRESHOLD,
  FACE_MIN_CONFIDENCE,
  OBJECT_THRESHOLDS,
  decideTags,
  needsBodyCheck,
  objectThreshold,
  type Detections,
} from './decide';
export { modelFiles, TaggerModelMissingError, type ModelFiles } from './models';
export { colourNames, paletteNames } from './colours';
export { COCO_LABELS, normaliseLabel } from './labels';
export { installFileFetch } from './offline-fetch';
export { confidentWords, createTextReader, textModelFiles, WORD_MIN_CONFIDENCE, type ImageText, type TextReader } from './text';
