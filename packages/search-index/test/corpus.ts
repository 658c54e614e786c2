import type { FacetCount, Orientation, SearchDocument, SearchQuery } from '@glimpse/search-index';

/**
 * A generated corpus of image documents (the same every run, from a seeded generator)
 * and a plain reference implementation of the filters, so a test can count directly what
 * a search must find.
 */

export const SUBJECTS = [
  'sunset', 'mountain', 'beach', 'forest', 'skyline', 'portrait', 'street', 'river', 'harbor', 'snow',
  'desert', 'ocean', 'bridge', 'flower', 'garden', 'castle', 'meadow', 'canyon', 'glacier', 'volcano',
  'waterfall', 'lighthouse', 'market', 'temple', 'vineyard', 'island', 'tundra', 'prairie', 'horse', 'eagle',
] as const;
export const MACHINE_TAGS = ['outdoor', 'indoor', 'people', 'animal', 'water', 'sky', 'tree', 'building', 'vehicle', 'night', 'new-york', 'black-and-white'] as const;
export const COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'black', 'white', 'gray'] as const;
const ADJECTIVES = ['golden', 'quiet', 'misty', 'vivid', 'ancient', 'lonely', 'frozen', 'hidden', 'distant', 'bright', 'stormy', 'peaceful'];
const PLACES = ['norway', 'peru', 'japan', 'kenya', 'chile', 'iceland', 'morocco', 'canada'];
const SIZES: Array<[number, number]> = [[1600, 900], [1200, 800], [900, 1600], [800, 1200], [1000, 1000], [2048, 2048]];
export const USERNAMES = ['alice', 'bruno', 'chen_wei', 'dara', 'elif', 'farah', 'gustav', 'hana', 'ivan', 'jonas', 'kemal', 'lena', 'mateo', 'nora', 'omar', 'petra', 'quinn', 'rosa'];
/** Only ever posts privately: must never be suggested to anyone else. */
export const HERMIT = 'hermit';
/** A tag that only private and unlisted documents carry. */
export const SECRET_TAG = 'zeppelin';
export const START = Date.UTC(2024, 0, 1);
/** Cameras by position (no random draw, so the rest of the corpus is as it was); every fourth photo has none. */
export const CAMERAS = ['Apple iPhone 12', 'Canon EOS 5D', 'NIKON D750', 'FUJIFILM X-T4', 'Google Pixel 8'] as const;
/** A camera only the hermit's private photos were taken with: never counted for anyone else. */
export const SECRET_CAMERA = 'Hasselblad X2D';

export const ownerIdOf = (username: string) => `owner-${username}`;

/** mulberry32: small, fast, and the same numbers on every machine. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)] as T;
  const some = <T>(values: readonly T[], most: number): T[] => [...new Set(Array.from({ length: 1 + int(most) }, () => pick(values)))];
  return { next, int, pick, some };
}

export function generateCorpus(size: number, seed = 7): SearchDocument[] {
  const random = generator(seed);
  const documents: SearchDocument[] = [];
  for (let index = 0; index < size; index += 1) {
    const hermit = index % 97 === 0;
    const username = hermit ? HERMIT : random.pick(USERNAMES);
    const roll = random.next();
    const visibility = hermit ? 'private' : roll < 0.7 ? 'public' : roll < 0.85 ? 'unlisted' : 'private';
    const userTags: string[] = random.some(SUBJECTS, 3);
    const machineTags = random.some(MACHINE_TAGS, 3);
    if (visibility !== 'public' && index % 5 === 0) userTags.push(SECRET_TAG);
    const [width, height] = random.pick(SIZES);
    const subject = userTags[0] as string;
    const adjective = random.pick(ADJECTIVES);
    const place = random.pick(PLACES);
    documents.push({
      id: `img-${String(index).padStart(6, '0')}`,
      title: `${adjective[0]?.toUpperCase()}${adjective.slice(1)} ${subject} in ${place}`,
      description: `A ${random.pick(ADJECTIVES)} ${random.pick(SUBJECTS)} photographed near ${place}.`,
      tags: [...new Set([...userTags, ...machineTags])],
      userTags,
      machineTags,
      ownerId: ownerIdOf(username),
      ownerUsername: username,
      visibility,
      colors: random.some(COLORS, 3),
      camera: hermit ? SECRET_CAMERA : index % 4 === 0 ? null : (CAMERAS[index % CAMERAS.length] as string),
      orientation: width > height ? 'landscape' : width < height ? 'portrait' : 'square',
      width,
      height,
      likeCount: random.int(60),
      // Groups of three share a timestamp, so every sort needs its tie-breaker.
      createdAt: START + Math.floor(index / 3) * 3 * 3_600_000,
    });
  }
  return documents;
}

/** The words free text searches, split as both engines split them. */
export function tokensOf(doc: SearchDocument): string[] {
  return [doc.title, doc.description, doc.tags.join(' '), doc.ownerUsername]
    .join(' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

export const visibleTo = (viewerId: string | null) => (doc: SearchDocument) => doc.visibility === 'public' || (viewerId !== null && doc.ownerId === viewerId);

/** The filters of a query as plain code (no text): what a search with these filters must find. */
export function referenceFilter(query: SearchQuery): (doc: SearchDocument) => boolean {
  const visible = visibleTo(query.viewerId ?? null);
  return (doc) =>
    visible(doc) &&
    (query.tags ?? []).every((tag) => doc.tags.includes(tag)) &&
    (!query.colors?.length || query.colors.some((color) => doc.colors.includes(color))) &&
    (!query.camera?.length || query.camera.some((camera) => camera.toLowerCase() === doc.camera?.toLowerCase())) &&
    (query.orientation === undefined || doc.orientation === (query.orientation as Orientation)) &&
    (query.owner === undefined || doc.ownerUsername === query.owner) &&
    (query.createdAfter === undefined || doc.createdAt >= query.createdAfter) &&
    (query.createdBefore === undefined || doc.createdAt <= query.createdBefore);
}

/** Documents whose words include every query word, the last one as a prefix (no typos needed). */
export function referenceText(q: string): (doc: SearchDocument) => boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return (doc) => {
    const tokens = tokensOf(doc);
    return words.every((word, index) => (index === words.length - 1 ? tokens.some((token) => token.startsWith(word)) : tokens.includes(word)));
  };
}

export interface ReferenceFacets {
  tags: Map<string, number>;
  colors: Map<string, number>;
  camera: Map<string, number>;
  orientation: Map<string, number>;
}

export function referenceFacets(documents: readonly SearchDocument[]): ReferenceFacets {
  const facets: ReferenceFacets = { tags: new Map(), colors: new Map(), camera: new Map(), orientation: new Map() };
  const bump = (counts: Map<string, number>, value: string) => counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const doc of documents) {
    doc.tags.forEach((tag) => bump(facets.tags, tag));
    doc.colors.forEach((color) => bump(facets.colors, color));
    if (doc.camera) bump(facets.camera, doc.camera);
    bump(facets.orientation, doc.orientation);
  }
  return facets;
}

/**
 * Whether a returned facet is the reference's top `limit` values: every value with its
 * exact count, most frequent first, and the same counts kept (values tied at the cut may differ).
 */
export function facetMismatch(returned: FacetCount[], reference: Map<string, number>, limit = 20): string | undefined {
  const expectedCounts = [...reference.values()].sort((a, b) => b - a).slice(0, limit);
  const wrong = returned.find(({ value, count }) => reference.get(value) !== count);
  if (wrong) return `${wrong.value}: returned ${wrong.count}, counted ${reference.get(wrong.value) ?? 0}`;
  const counts = returned.map(({ count }) => count);
  if (JSON.stringify(counts) !== JSON.stringify(expectedCounts)) return `counts ${JSON.stringify(counts)}, expected ${JSON.stringify(expectedCounts)}`;
  return undefined;
}
