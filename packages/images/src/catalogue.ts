import type { Viewer } from '@glimpse/access-tokens';
import type { Queryable } from '@glimpse/database';
import { cameraDetail } from './camera';
import { imageReads } from './repository';
import type { UrlSigner } from './signed-urls';
import { VARIANT_NAMES, type ImageCard, type ImageDetail, type ImageRow, type ImageTag, type UploadState, type VariantFormat, type VariantName, type VariantUrls } from './types';

const FORMATS: VariantFormat[] = ['webp', 'jpeg'];
/** File extension of each variant format, in object keys and static URLs alike. */
export const VARIANT_EXTENSION: Record<VariantFormat, 'webp' | 'jpg'> = { webp: 'webp', jpeg: 'jpg' };

/**
 * A variant's URL. Every edit renders a new version under a new URL, so an immutable cache
 * never holds a stale rendering; version 0 (the upload as processed) keeps the URL it always had.
 */
export const staticImagePath = (imageId: string, name: VariantName, format: VariantFormat, version = 0) =>
  `/static/image/${imageId}/${versionSegment(version)}${name}.${VARIANT_EXTENSION[format]}`;

/** Where a variant is kept in the processed bucket (versions side by side until the old one is deleted). */
export const variantKey = (imageId: string, name: VariantName, format: VariantFormat, version = 0) =>
  `images/${imageId}/${versionSegment(version)}${name}.${VARIANT_EXTENSION[format]}`;

const versionSegment = (version: number) => (version > 0 ? `v${version}/` : '');

/** How rows are shown to clients: cards, details and upload states with their (signed) URLs. */
export interface ImageCatalogue {
  urls(row: Pick<ImageRow, 'id' | 'visibility' | 'version'>): VariantUrls;
  cards(tx: Queryable, rows: ImageRow[]): Promise<ImageCard[]>;
  detail(tx: Queryable, row: ImageRow, viewer: Viewer | null): Promise<ImageDetail>;
  uploadState(tx: Queryable, row: ImageRow): Promise<UploadState>;
}

export function createImageCatalogue(signer: UrlSigner): ImageCatalogue {
  const urls = (row: Pick<ImageRow, 'id' | 'visibility' | 'version'>): VariantUrls => {
    const query = row.visibility === 'private' ? `?${signer.signQuery(row.id)}` : '';
    const forVariant = (name: VariantName) =>
      Object.fromEntries(FORMATS.map((format) => [format, staticImagePath(row.id, name, format, row.version) + query])) as Record<VariantFormat, string>;
    return Object.fromEntries(VARIANT_NAMES.map((name) => [name, forVariant(name)])) as VariantUrls;
  };

  const tagsOf = imageReads.tagsOf;

  const toCard = (row: ImageRow, tags: ImageTag[]): ImageCard => ({
    id: row.id,
    title: row.title,
    owner: { username: row.owner_username },
    width: row.width ?? 0,
    height: row.height ?? 0,
    placeholder: row.placeholder,
    dominantColor: row.dominant_color,
    animated: row.animated,
    visibility: row.visibility,
    urls: urls(row),
    tags,
    likeCount: row.like_count,
    createdAt: row.created_at.toISOString(),
    version: row.version,
  });

  return {
    urls,
    async cards(tx, rows) {
      const tags = await tagsOf(tx, rows.map((row) => row.id));
      return rows.map((row) => toCard(row, tags.get(row.id) ?? []));
    },
    async detail(tx, row, viewer) {
      const [tags, liked, text] = await Promise.all([
        tagsOf(tx, [row.id]),
        viewer ? imageReads.isLikedBy(tx, viewer.id, row.id) : Promise.resolve(false),
        imageReads.photoText(tx, row.id),
      ]);
      return {
        ...toCard(row, tags.get(row.id) ?? []),
        description: row.description,
        viewCount: row.view_count,
        likedByViewer: liked,
        isOwner: viewer?.id === row.owner_id,
        camera: cameraDetail(row.camera),
        text,
      };
    },
    async uploadState(tx, row) {
      const tags = await tagsOf(tx, [row.id]);
      const query = row.visibility === 'private' ? `?${signer.signQuery(row.id)}` : '';
      return {
        id: row.id,
        status: row.status,
        failureReason: row.failure_reason,
        taggingStatus: row.tagging_status,
        title: row.title,
        description: row.description,
        visibility: row.visibility,
        width: row.width,
        height: row.height,
        placeholder: row.placeholder,
        variants: row.variants.map(({ key: _key, ...variant }) => ({ ...variant, url: staticImagePath(row.id, variant.name, variant.format, row.version) + query })),
        tags: tags.get(row.id) ?? [],
        createdAt: row.created_at.toISOString(),
        version: row.version,
        edits: row.edits,
        editStatus: row.edit_failure ? 'failed' : row.edits_version > row.version ? 'processing' : null,
        editFailureReason: row.edit_failure,
      };
    },
  };
}
