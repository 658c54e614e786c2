import { GlimpseError } from '@glimpse/errors';

export const MAX_TAGS = 20;

/** One spelling per tag: lower case, words joined by hyphens, no '#'. */
export function normalizeTag(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^#+/, '')
    .replace(/[\s_]+/g, '-')
    .replace(/[^\p{L}\p{N}-]/gu, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Parses the owner's tags ("Sunset, beach ,#Summer") into unique normalised tags. */
export function parseUserTags(input: string | readonly string[] | undefined): string[] {
  if (input === undefined) return [];
  const parts = typeof input === 'string' ? input.split(',') : input;
  const tags = [...new Set(parts.map(normalizeTag).filter((tag) => tag.length > 0))];
  const tooLong = tags.find((tag) => tag.length > 40);
  if (tooLong) throw new GlimpseError('INVALID_INPUT', `tags: "${tooLong}" is longer than 40 characters`, 'tags');
  if (tags.length > MAX_TAGS) throw new GlimpseError('INVALID_INPUT', `tags: at most ${MAX_TAGS} tags, got ${tags.length}`, 'tags');
  return tags;
}
