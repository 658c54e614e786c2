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
}

export interface ImageDetail extends ImageCard {
  description: string;
  viewCount: number;
  likedByViewer: boolean;
  isOwner: boolean;
  camera: Record<string, string> | null;
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
}
