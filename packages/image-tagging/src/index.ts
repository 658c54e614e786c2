export { MODELS, createImageTagger, type ImageTagger, type MachineLabel, type TaggerOptions, type TaggingResult } from './tagger';
export { colourNames, paletteNames } from './colours';
export { normaliseLabel } from './labels';
export { installFileFetch } from './offline-fetch';
