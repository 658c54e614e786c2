/**
 * The languages Glimpse writes its email in. A user's language is chosen in their
 * preferences, or at sign-up from the browser's Accept-Language; without one, English.
 */
export const MESSAGE_LANGUAGES = ['en', 'de'] as const;
export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

export const isMessageLanguage = (value: unknown): value is MessageLanguage => typeof value === 'string' && (MESSAGE_LANGUAGES as readonly string[]).includes(value);

/**
 * The best of `MESSAGE_LANGUAGES` for an Accept-Language header (`de-CH, de;q=0.9, en;q=0.8`),
 * by quality then order, matching on the primary subtag; undefined when none is acceptable
 * or no header was sent (the caller then keeps its default).
 */
export function preferredLanguage(acceptLanguage: string | undefined): MessageLanguage | undefined {
  if (!acceptLanguage) return undefined;
  const ranges = acceptLanguage
    .slice(0, 500)
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { primary: range.trim().toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((range) => range.quality > 0 && range.primary)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const range of ranges) if (isMessageLanguage(range.primary)) return range.primary;
  return undefined;
}
