import type { Viewer } from '@glimpse/access-tokens';
import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';
import type { UrlSigner } from './signed-urls';
import type { ImageCard, ImageDetail, ImageRow, ImageTag, UploadState, VariantFormat, VariantName, VariantUrls } from './types';

export const IMAGE_COLUMNS = `i.id, i.owner_id, u.username AS owner_username, i.title, i.description, i.visibility, i.status,
  i.failure_reason, i.tagging_status, i.original_key, i.original_mime, i.width, i.height, i.animated, i.placeholder,
  i.dominant_color, i.perceptual_hash, i.camera, i.variants, i.like_count, i.view_count, i.created_at`;
export const IMAGE_FROM = 'images i JOIN users u ON u.id = i.owner_id';

const VARIANT_NAMES: VariantName[] = ['thumb', 'medium', 'large'];
const FORMATS: VariantFormat[] = ['webp', 'jpeg'];
const EXTENSION: Record<VariantFormat, string> = { webp: 'webp', jpeg: 'jpg' };

export const staticImagePath = (imageId: string, name: VariantName, format: VariantFormat) =>
  `/static/image/${imageId}/${name}.${EXTENSION[format]}`;

/** May `viewer` see this image at all (feeds additionally require `public`)? */
export function canView(row: Pick<ImageRow, 'owner_id' | 'visibility' | 'status'>, viewer: Viewer | null): boolean {
  if (viewer && row.owner_id === viewer.id) return true;
  return row.status === 'ready' && row.visibility !== 'private';
}

export interface ImageCatalogue {
  /** The live (not deleted) image, whoever owns it. */
  find(tx: Queryable, imageId: string): Promise<ImageRow | undefined>;
  /** The image if `viewer` may see it; NOT_FOUND otherwise (never FORBIDDEN, to not reveal it exists). */
  findVisible(tx: Queryable, imageId: string, viewer: Viewer | null): Promise<ImageRow>;
  /** The image if `viewer` owns it; NOT_FOUND otherwise. */
  findOwned(tx: Queryable, imageId: string, viewer: Viewer): Promise<ImageRow>;
  urls(row: Pick<ImageRow, 'id' | 'visibility'>): VariantUrls;
  cards(tx: Queryable, rows: ImageRow[]): Promise<ImageCard[]>;
  detail(tx: Queryable, row: ImageRow, viewer: Viewer | null): Promise<ImageDetail>;
  uploadState(tx: Queryable, row: ImageRow): Promise<UploadState>;
}

export function createImageCatalogue(signer: UrlSigner): ImageCatalogue {
  const urls = (row: Pick<ImageRow, 'id' | 'visibility'>): VariantUrls => {
    const query = row.visibility === 'private' ? `?${signer.signQuery(row.id)}` : '';
    const forVariant = (name: VariantName) =>
      Object.fromEntries(FORMATS.map((format) => [format, staticImagePath(row.id, name, format) + query])) as Record<VariantFormat, string>;
    return { thumb: forVariant('thumb'), medium: forVariant('medium'), large: forVariant('large') };
  };

  async function tagsOf(tx: Queryable, ids: string[]): Promise<Map<string, ImageTag[]>> {
    const byImage = new Map<string, ImageTag[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return byImage;
    const rows = await tx.query<ImageTag & { image_id: string }>(
      `SELECT image_id, tag, source, confidence FROM image_tags WHERE image_id = ANY($1::uuid[])
       ORDER BY source DESC, confidence DESC NULLS FIRST, tag`,
      [ids],
    );
    for (const row of rows) byImage.get(row.image_id)?.push({ tag: row.tag, source: row.source, confidence: row.confidence });
    return byImage;
  }

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
  });

  const find = async (tx: Queryable, imageId: string) =>
    (await tx.query<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM ${IMAGE_FROM} WHERE i.id = $1 AND i.deleted_at IS NULL`, [imageId]))[0];

  const missing = (imageId: string) => new GlimpseError('IMAGE_NOT_FOUND', `No image ${imageId} exists, or you may not see it.`, 'imageId');

  return {
    find,
    async findVisible(tx, imageId, viewer) {
      const row = await find(tx, imageId);
      if (!row || !canView(row, viewer)) throw missing(imageId);
      return row;
    },
    async findOwned(tx, imageId, viewer) {
      const row = await find(tx, imageId);
      if (!row || row.owner_id !== viewer.id) throw missing(imageId);
      return row;
    },
    urls,
    async cards(tx, rows) {
      const tags = await tagsOf(tx, rows.map((row) => row.id));
      return rows.map((row) => toCard(row, tags.get(row.id) ?? []));
    },
    async detail(tx, row, viewer) {
      const [tags, liked] = await Promise.all([
        tagsOf(tx, [row.id]),
        viewer ? tx.query('SELECT 1 FROM likes WHERE user_id = $1 AND image_id = $2', [viewer.id, row.id]) : Promise.resolve([]),
      ]);
      return {
        ...toCard(row, tags.get(row.id) ?? []),
        description: row.description,
        viewCount: row.view_count,
        likedByViewer: liked.length > 0,
        isOwner: viewer?.id === row.owner_id,
        camera: row.camera,
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
        variants: row.variants.map(({ key: _key, ...variant }) => ({ ...variant, url: staticImagePath(row.id, variant.name, variant.format) + query })),
        tags: tags.get(row.id) ?? [],
        createdAt: row.created_at.toISOString(),
      };
    },
  };
}

export { VARIANT_NAMES };
