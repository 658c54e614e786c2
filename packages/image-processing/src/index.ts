export { inspectUpload } from './inspect';
export type { InspectedImage, SourceFormat, UploadLimits } from './inspect';
export { processImage, VARIANT_FORMATS, VARIANT_SPECS } from './process';
export type { ProcessedImage, ProcessedVariant, ProcessOptions, RenderEdit, VariantFormat, VariantName, VariantSpec } from './process';
export { hammingDistance } from './hashes';
export type { CameraFacts } from './exif';
