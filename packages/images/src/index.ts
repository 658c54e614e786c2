export type * from './types';
export { VISIBILITIES } from './types';
export { createUrlSigner, type UrlSigner } from './signed-urls';
export { IMAGE_COLUMNS, IMAGE_FROM, VARIANT_NAMES, canView, createImageCatalogue, staticImagePath, type ImageCatalogue } from './catalogue';
export { decodeCursor, decodeOffset, encodeCursor, encodeOffset, page, type Position } from './paging';
export { MAX_TAGS, normalizeTag, parseUserTags } from './tags';
export { recordImageEvent } from './events';
