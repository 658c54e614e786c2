import type { Database } from '@glimpse/database';

/**
 * A site the size issue 12 names: 100,000 images, 10,000 users, 1,000,000 likes, seeded in
 * bulk (INSERT … SELECT over generate_series, never row by row). Every "random" choice is a
 * hash of a key (bench_random below), so every database seeded gets the same rows and ids,
 * whichever engine and however many connections. Skewed as real sites are: a few owners
 * post a lot, a few people like a lot, a few images collect most likes, and tags follow a
 * long tail (a few hundred everyday words, thousands of rare ones).
 */
export const SIZES = { users: 10_000, images: 100_000, likes: 1_000_000, views: 500_000 } as const;

/** Everyday photo words, most common first: the head of the tag distribution. */
const HEAD = `outdoor sky nature people tree water landscape city building portrait street night sunset cloud
  beach mountain indoor animal food dog cat flower car architecture travel summer winter snow sea
  forest river lake road bridge bird light black-and-white window wall park garden grass field
  friends family child smile selfie coffee restaurant market shop sport football running bicycle
  boat harbour train station airport vehicle reflection rain fog autumn spring leaves sunrise
  golden-hour shadow silhouette macro insect butterfly horse cow sheep farm village church temple
  castle museum art graffiti music concert festival wedding party dance fashion hat glasses
  book desk office computer phone kitchen bread cake fruit vegetable pizza wine beer tea
  moon stars milky-way desert sand dune rock cliff cave waterfall island palm tropical ice
  glacier volcano canyon valley hill meadow path stairs door roof tower skyline neon`
  .split(/\s+/)
  .filter(Boolean);
const PLACES = 'norway peru japan kenya chile iceland morocco canada kyoto lisbon berlin paris tokyo lima nairobi oslo reykjavik quebec marrakesh cusco porto seville naples krakow hanoi'.split(' ');
const SUBJECTS = 'temple street market harbour coast trail festival cafe bridge alley rooftop skyline garden station tram bay hills lighthouse castle square'.split(' ');
const SPECIES = 'heron kestrel otter lynx puffin ibis egret marten badger gecko iguana tapir ocelot kingfisher wagtail'.split(' ');
const STYLES = 'film-grain long-exposure tilt-shift double-exposure infrared bokeh hdr pinhole polaroid cyanotype'.split(' ');

/** About 4,000 tags, ranked: the head words, then places × subjects, species, styles and camera models. */
export function vocabulary(): string[] {
  const tags = [...HEAD];
  for (const subject of SUBJECTS) for (const place of PLACES) tags.push(`${place}-${subject}`);
  for (const species of SPECIES) for (const place of PLACES) tags.push(`${species}-${place}`);
  for (const style of STYLES) for (let n = 1; n <= 60; n++) tags.push(`${style}-${n}`);
  for (let n = 1; tags.length < 4_000; n++) tags.push(`camera-model-${n}`);
  return [...new Set(tags)];
}

/** Seeds the corpus into a migrated, empty database; returns how long each table took. */
export async function seedFeedCorpus(db: Database): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  const step = async (name: string, ...statements: string[]) => {
    const started = performance.now();
    for (const statement of statements) await db.query(statement);
    took[name] = Math.round(performance.now() - started);
  };
  const tags = vocabulary();
  await step(
    'vocabulary',
    // A uniform number in [0, 1) from a key: the same on every engine and connection.
    `CREATE OR REPLACE FUNCTION bench_random(key TEXT) RETURNS FLOAT8 LANGUAGE SQL IMMUTABLE AS
       $$ SELECT ('x' || substr(md5(key), 1, 8))::bit(32)::int8 / 4294967296.0 $$`,
    // A version 4 UUID from a key (ids must pass the API's UUID check).
    `CREATE OR REPLACE FUNCTION bench_uuid(key TEXT) RETURNS UUID LANGUAGE SQL IMMUTABLE AS
       $$ SELECT overlay(overlay(md5(key) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid $$`,
    `CREATE TABLE IF NOT EXISTS bench_vocabulary (rank INT8 PRIMARY KEY, tag TEXT NOT NULL)`,
    `INSERT INTO bench_vocabulary (rank, tag) SELECT r - 1, t FROM unnest(ARRAY[${tags.map((t) => `'${t}'`).join(',')}]) WITH ORDINALITY AS v(t, r)`,
  );
  await step(
    'users',
    `INSERT INTO users (id, email, username, password_hash, created_at)
     SELECT bench_uuid('user-' || n), 'user' || n || '@example.com', 'user' || n, 'x', now() - interval '400 days' + n * interval '1 minute'
     FROM generate_series(0, ${SIZES.users - 1}) n`,
  );
  // 85% public, 8% unlisted, 7% private; 2% pending, 1% failed; 1% deleted; 3% sensitive.
  // Perceptual hashes come in bursts of five near-identical shots.
  await step(
    'images',
    `INSERT INTO images (id, owner_id, title, visibility, status, tagging_status, original_key, original_mime, original_bytes, width, height,
                         placeholder, dominant_color, perceptual_hash, moderation, created_at, updated_at, ready_at, deleted_at)
     SELECT bench_uuid('image-' || n), bench_uuid('user-' || floor(${SIZES.users} * power(bench_random('owner' || n), 2))::int8), 'Photo ' || n,
            CASE WHEN v < 0.85 THEN 'public' WHEN v < 0.93 THEN 'unlisted' ELSE 'private' END,
            CASE WHEN s < 0.02 THEN 'pending' WHEN s < 0.03 THEN 'failed' ELSE 'ready' END, 'tagged',
            'originals/' || n, 'image/jpeg', 2000000, 1600, 1067, 'placeholder', '#336699',
            substr(md5('burst' || (n / 5)), 1, 15) || substr(md5('shot' || n), 1, 1),
            CASE WHEN m < 0.03 THEN 'sensitive' ELSE 'safe' END, t, t, t,
            CASE WHEN d < 0.01 THEN t + interval '1 day' END
     FROM (SELECT n, bench_random('v' || n) AS v, bench_random('s' || n) AS s, bench_random('m' || n) AS m, bench_random('d' || n) AS d,
                  date_trunc('milliseconds', now() - bench_random('t' || n) * interval '365 days') AS t
           FROM generate_series(0, ${SIZES.images - 1}) n) g`,
  );
  // 3–6 machine tags and 0–2 user tags an image, ranks drawn with a long tail.
  await step(
    'tags',
    `INSERT INTO image_tags (image_id, source, tag, confidence)
     SELECT bench_uuid('image-' || n), 'machine', v.tag, 0.5 + bench_random('c' || n || '-' || k) / 2
     FROM generate_series(0, ${SIZES.images - 1}) n CROSS JOIN generate_series(1, 6) k
     JOIN bench_vocabulary v ON v.rank = floor(${tags.length} * power(bench_random('tag' || n || '-' || k), 3))::int8
     WHERE k <= 3 + floor(4 * bench_random('nt' || n)) ON CONFLICT DO NOTHING`,
    `INSERT INTO image_tags (image_id, source, tag)
     SELECT bench_uuid('image-' || n), 'user', v.tag
     FROM generate_series(0, ${SIZES.images - 1}) n CROSS JOIN generate_series(1, 2) k
     JOIN bench_vocabulary v ON v.rank = floor(${tags.length} * power(bench_random('utag' || n || '-' || k), 1.5))::int8
     WHERE k <= floor(3 * bench_random('nu' || n)) ON CONFLICT DO NOTHING`,
  );
  // Likes: people by a long tail (the busiest like thousands), images by a steeper one (a
  // hit collects thousands). Drawn with some slack, duplicates dropped, cut at exactly 1M.
  // 1.5% of likes are from the last half hour: what forYou reads straight from the database.
  const pairs = (table: string, count: number, salt: string, at: string) =>
    `INSERT INTO ${table}
     SELECT u, i, at FROM (
       SELECT DISTINCT ON (u, i) bench_uuid('user-' || floor(${SIZES.users} * power(bench_random('${salt}u' || n), 1.5))::int8) AS u,
              bench_uuid('image-' || floor(${SIZES.images} * power(bench_random('${salt}i' || n), 2.2))::int8) AS i, ${at} AS at
       FROM generate_series(0, ${Math.round(count * 1.6)}) n ORDER BY u, i, n) p
     ORDER BY bench_random('${salt}o' || u || i) LIMIT ${count}`;
  await step('likes', pairs('likes (user_id, image_id, created_at)', SIZES.likes, 'l', `now() - power(bench_random('lt' || n), 2) * interval '90 days'`));
  await step('views', pairs('image_views (user_id, image_id, viewed_at)', SIZES.views, 'w', `now() - bench_random('wt' || n) * interval '90 days'`));
  await step(
    'counts',
    `UPDATE images i SET like_count = c.n FROM (SELECT image_id, count(*) AS n FROM likes GROUP BY image_id) c WHERE c.image_id = i.id`,
    `UPDATE images i SET view_count = c.n * 3 FROM (SELECT image_id, count(*) AS n FROM image_views GROUP BY image_id) c WHERE c.image_id = i.id`,
  );
  return took;
}
