/**
 * Images: the one home of image data. The repository (`imageReads`, `imageWrites`,
 * `imagePipeline`) owns every query on images, tags, likes, views and events; the
 * visibility rule decides who sees what; the catalogue presents rows to clients.
 * Pure TypeScript: no native code, so any service may use it.
 */
export type * from './types';
export { VARIANT_NAMES, VISIBILITIES } from './types';
export { createUrlSigner, type UrlSigner } from './signed-urls';
export { VARIANT_EXTENSION, createImageCatalogue, staticImagePath, variantKey, type ImageCatalogue } from './catalogue';
export { MAX_OFFSET, decodeCursor, decodeOffset, encodeCursor, encodeOffset, page, type Position } from './paging';
export { MAX_TAGS, normalizeTag, parseUserTags } from './tags';
export { albumVisibleWhere, isAlbumVisible, isVisible, visibleWhere, type AlbumAudience, type Audience, type VisibilityFacts } from './visibility';
export { imageReads, imageWrites, type DetailsChange, type ListScope, type NewImage, type PageRequest } from './repository';
export { imagePipeline, type FeedbackTable, type IndexRow, type ProcessedFacts, type TaggingOutcome } from './pipeline';
export { MAX_EDITS, checkEdit, editedSize, planEdits, type CropRectangle, type EditPlan, type ImageEdit, type Size } from './edits';
export { MAX_CAMERA_LABEL, cameraDetail, cameraLabel, type CameraDetail } from './camera';
export { hammingDistance } from './perceptual-hash';
export { imageStatistics } from './statistics';
export { likesReceived, type LikesReceived } from './likes-received';
export { feedTagsDrift } from './feed-tags';
export { albumReads, albumWrites, type AlbumChange, type AlbumRow, type AlbumSummaryRow, type NewAlbum } from './albums';
export { NEAR_DUPLICATE_BITS, nearDuplicateGroups, type DuplicateGroup } from './duplicates';
export { imageModeration, type ModerationDecision } from './moderation';
