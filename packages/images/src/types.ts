import type { CameraDetail } from './camera';
import type { ImageEdit } from './edits';

export const VISIBILITIES = ['public', 'unlisted', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export type ImageStatus = 'pending' | 'processing' | 'ready' | 'failed';
export type TaggingStatus = 'pending' | 'tagged' | 'failed' | 'skipped';
export const VARIANT_NAMES = ['thumb', 'medium', 'large'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];
export type VariantFormat = 'webp' | 'jpeg';

/** One stored rendition of an image, as kept in `images.variants`. */
export interface VariantRecord {
  name: VariantName;
  format: VariantFormat;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  /** Strong ETag (quoted SHA-256 of the content). */
  etag: string;
  key: string;
}

export interface ImageTag {
  tag: string;
  source: 'user' | 'machine';
  /** 0..1 for machine tags; null for tags the owner wrote. */
  confidence: number | null;
}

export type VariantUrls = Record<VariantName, Record<VariantFormat, string>>;

/** What feeds, search and the web app show for an image. */
export interface ImageCard {
  id: string;
  title: string;
  owner: { username: string };
  width: number;
  height: number;
  /** ThumbHash, base64: a blurred preview to draw while the image loads. */
  placeholder: string | null;
  dominantColor: string | null;
  animated: boolean;
  visibility: Visibility;
  urls: VariantUrls;
  tags: ImageTag[];
  likeCount: number;
  createdAt: string;
  /** Which rendering of the image the URLs show: 0 as uploaded, one more for every edit or undo. */
  version: number;
}

/** Where an edit stands: being rendered (the previous variants are served meanwhile), or refused by the processor. */
export type EditStatus = 'processing' | 'failed' | null;

export interface ImageDetail extends ImageCard {
  description: string;
  viewCount: number;
  likedByViewer: boolean;
  isOwner: boolean;
  /** What the camera's EXIF said (make, model, lens, when), never tags; null when it said nothing. */
  camera: CameraDetail | null;
  /** The words read in the photo (OCR), or null. */
  text: string | null;
}

/** The owner's view of an upload in any state. */
export interface UploadState {
  id: string;
  status: ImageStatus;
  failureReason: string | null;
  taggingStatus: TaggingStatus;
  title: string;
  description: string;
  visibility: Visibility;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  variants: Array<Omit<VariantRecord, 'key'> & { url: string }>;
  tags: ImageTag[];
  createdAt: string;
  /** The version of the variants served now. */
  version: number;
  /** The stack of edits the owner asked for, oldest first (`undoEdit` pops the last). */
  edits: ImageEdit[];
  editStatus: EditStatus;
  /** Why the last edit could not be rendered (its edits were dropped). */
  editFailureReason: string | null;
}

export interface ImageRow {
  id: string;
  owner_id: string;
  owner_username: string;
  title: string;
  description: string;
  visibility: Visibility;
  status: ImageStatus;
  failure_reason: string | null;
  tagging_status: TaggingStatus;
  original_key: string;
  original_mime: string;
  width: number | null;
  height: number | null;
  animated: boolean;
  placeholder: string | null;
  dominant_color: string | null;
  perceptual_hash: string | null;
  camera: Record<string, string> | null;
  variants: VariantRecord[];
  like_count: number;
  view_count: number;
  /** The tagger's label: 'sensitive' keeps an image out of public feeds. */
  moderation: string | null;
  /** An admin hid it (moderation queue): nobody but its owner sees it anywhere. */
  hidden: boolean;
  created_at: Date;
  version: number;
  edits: ImageEdit[];
  edits_version: number;
  edit_failure: string | null;
  original_width: number | null;
  original_height: number | null;
}
