import type { Database } from './database';
import { sqlState } from './database';

/**
 * Schema migrations, in order. Rules that keep them safe on CockroachDB and PostgreSQL
 * alike, and safe when several replicas start at once (no advisory locks exist on
 * CockroachDB): one statement per entry, every statement idempotent (IF NOT EXISTS),
 * UUID keys, no sequences, no LISTEN/NOTIFY.
 */
export const migrations: ReadonlyArray<{ id: string; statements: readonly string[] }> = [
  {
    id: '0001_core',
    statements: [
      `CREATE TABLE IF NOT EXISTS users (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        email TEXT NOT NULL,
        username TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_username_key UNIQUE (username)
      )`,
      `CREATE TABLE IF NOT EXISTS refresh_tokens (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id UUID NOT NULL,
        token_hash TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ,
        revoked_at TIMESTAMPTZ,
        CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash)
      )`,
      `CREATE INDEX IF NOT EXISTS refresh_tokens_family_idx ON refresh_tokens (family_id)`,
      `CREATE TABLE IF NOT EXISTS images (
        id UUID PRIMARY KEY,
        owner_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        title TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        visibility TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
        failure_reason TEXT,
        tagging_status TEXT NOT NULL DEFAULT 'pending' CHECK (tagging_status IN ('pending', 'tagged', 'failed', 'skipped')),
        original_key TEXT NOT NULL,
        original_mime TEXT NOT NULL,
        original_bytes INT8 NOT NULL,
        width INT8,
        height INT8,
        animated BOOLEAN NOT NULL DEFAULT false,
        placeholder TEXT,
        dominant_color TEXT,
        perceptual_hash TEXT,
        camera JSONB,
        variants JSONB NOT NULL DEFAULT '[]',
        like_count INT8 NOT NULL DEFAULT 0,
        view_count INT8 NOT NULL DEFAULT 0,
        processing_attempts INT8 NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        ready_at TIMESTAMPTZ,
        deleted_at TIMESTAMPTZ
      )`,
      `CREATE INDEX IF NOT EXISTS images_feed_idx ON images (status, visibility, created_at DESC, id DESC)`,
      `CREATE INDEX IF NOT EXISTS images_owner_idx ON images (owner_id, created_at DESC, id DESC)`,
      `CREATE TABLE IF NOT EXISTS image_tags (
        image_id UUID NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('user', 'machine')),
        tag TEXT NOT NULL,
        confidence REAL,
        PRIMARY KEY (image_id, source, tag)
      )`,
      `CREATE INDEX IF NOT EXISTS image_tags_tag_idx ON image_tags (tag)`,
      `CREATE TABLE IF NOT EXISTS likes (
        user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        image_id UUID NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, image_id)
      )`,
      `CREATE INDEX IF NOT EXISTS likes_image_idx ON likes (image_id)`,
      `CREATE TABLE IF NOT EXISTS outbox (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        queue TEXT NOT NULL,
        payload JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        attempts INT8 NOT NULL DEFAULT 0,
        last_error TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS outbox_available_idx ON outbox (available_at)`,
      `CREATE TABLE IF NOT EXISTS image_events (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        image_id UUID NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS image_events_image_idx ON image_events (image_id, created_at)`,
    ],
  },
  {
    id: '0002_outbox_priority',
    statements: [
      // 'bulk' jobs (reconciler, reindex, backfill) queue behind fresh uploads.
      `ALTER TABLE outbox ADD COLUMN IF NOT EXISTS priority TEXT NOT NULL DEFAULT 'normal'`,
    ],
  },
  {
    id: '0003_tagging_and_views',
    statements: [
      // The tagger's moderation label ('safe' | 'sensitive'); sensitive images stay out of public feeds.
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS moderation TEXT`,
      // What the tagger saw: faces, colour names, model provenance.
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS analysis JSONB`,
      // Per-user views ("read" feedback), so the recommender can be rebuilt from the database.
      `CREATE TABLE IF NOT EXISTS image_views (
        user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        image_id UUID NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        viewed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, image_id)
      )`,
    ],
  },
  {
    // Search in the database (SEARCH_ENGINE=database): derived tables the indexer writes and
    // `reindex` rebuilds from the tables above. Ids are the images' ids as text (the search
    // index's documents are keyed by a string), never generated here.
    id: '0004_search_documents',
    statements: [
      // levenshtein() for typo tolerance. PostgreSQL 13+ ships fuzzystrmatch as a trusted contrib
      // extension (the database owner may create it) and PGlite loads it (pglite.ts); on
      // CockroachDB levenshtein() is built in and CREATE EXTENSION fuzzystrmatch is a no-op.
      `CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`,
      // One row per image: what filters, sorts and facets read. Lists are lower case (tags, colours).
      `CREATE TABLE IF NOT EXISTS search_documents (
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        owner_username TEXT NOT NULL,
        visibility TEXT NOT NULL,
        orientation TEXT NOT NULL,
        tags TEXT[] NOT NULL,
        colors TEXT[] NOT NULL,
        like_count INT8 NOT NULL,
        created_at INT8 NOT NULL,
        document JSONB NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS search_documents_newest_idx ON search_documents (visibility, created_at DESC, id)`,
      `CREATE INDEX IF NOT EXISTS search_documents_owner_idx ON search_documents (owner_id)`,
      `CREATE INDEX IF NOT EXISTS search_documents_tags_idx ON search_documents USING GIN (tags)`,
      `CREATE INDEX IF NOT EXISTS search_documents_colors_idx ON search_documents USING GIN (colors)`,
      // The word table: one row per (word, image), with how much a match there counts
      // (the weights of the fields that hold the word, added up).
      `CREATE TABLE IF NOT EXISTS search_terms (
        word TEXT NOT NULL,
        document_id TEXT NOT NULL,
        weight INT8 NOT NULL,
        PRIMARY KEY (word, document_id)
      )`,
      `CREATE INDEX IF NOT EXISTS search_terms_document_idx ON search_terms (document_id)`,
      // Every word ever indexed, once: where prefixes and typos are looked up. Rows are only
      // added (a word no image holds any more matches nothing) and dropped by a reindex.
      `CREATE TABLE IF NOT EXISTS search_words (
        word TEXT PRIMARY KEY
      )`,
    ],
  },
  {
    // The image a queued job is about, beside its payload: the reconciler asks "is a job for
    // this image waiting?" without reading the payload's JSON.
    id: '0005_outbox_subject',
    statements: [
      `ALTER TABLE outbox ADD COLUMN IF NOT EXISTS subject TEXT`,
      `UPDATE outbox SET subject = payload->>'imageId' WHERE subject IS NULL`,
      `CREATE INDEX IF NOT EXISTS outbox_subject_idx ON outbox (queue, subject)`,
    ],
  },
  {
    // Images changed since the search engine last confirmed them: search subtracts those the
    // viewer may no longer see from hits, found and facets, so nothing leaks while the
    // engine catches up. No foreign key: a deleted image stays pending until it is removed.
    id: '0006_search_pending',
    statements: [
      `CREATE TABLE IF NOT EXISTS search_pending (
        image_id UUID PRIMARY KEY,
        changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    // Accounts people can recover (verification and reset links, profiles) and the
    // notifications: what a user sees in the app, and the ledger of every email sent, keyed
    // by the notification's id so that a redelivered job never sends twice.
    id: '0007_accounts_and_notifications',
    statements: [
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS email_verified_at TIMESTAMPTZ`,
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS display_name TEXT`,
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS bio TEXT`,
      `CREATE TABLE IF NOT EXISTS account_tokens (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
        token_hash TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ,
        CONSTRAINT account_tokens_hash_key UNIQUE (token_hash)
      )`,
      `CREATE INDEX IF NOT EXISTS account_tokens_user_idx ON account_tokens (user_id, purpose)`,
      `CREATE TABLE IF NOT EXISTS notifications (
        id UUID PRIMARY KEY,
        user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        data JSONB NOT NULL DEFAULT '{}',
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        read_at TIMESTAMPTZ
      )`,
      `CREATE INDEX IF NOT EXISTS notifications_user_idx ON notifications (user_id, created_at DESC, id DESC)`,
      `CREATE TABLE IF NOT EXISTS sent_messages (
        notification_id UUID PRIMARY KEY,
        kind TEXT NOT NULL,
        recipient TEXT NOT NULL,
        transport TEXT NOT NULL,
        message_id TEXT,
        sent_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    // Roles (the first account, or one in ADMIN_EMAILS, is an admin) and disabled accounts.
    id: '0008_roles_and_disabled_accounts',
    statements: [
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS role TEXT NOT NULL DEFAULT 'user'`,
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS disabled_at TIMESTAMPTZ`,
    ],
  },
  {
    // The feed reads at 100,000 images and 1,000,000 likes (bench/feeds.bench.ts). Partial
    // indexes hold only what feeds list; their predicate is visibleWhere('feed', null) of
    // @glimpse/images word for word, so the planner can prove a feed query implies it (a
    // test there checks each query is served by its index).
    id: '0009_feed_indexes',
    statements: [
      // latest: the newest feed images, without skipping unlisted, private, sensitive or deleted ones.
      `CREATE INDEX IF NOT EXISTS images_feed_latest_idx ON images (created_at DESC, id DESC)
        WHERE deleted_at IS NULL AND status = 'ready' AND visibility = 'public' AND moderation IS DISTINCT FROM 'sensitive'`,
      // popular and forYou when the recommender cannot answer: the most liked feed images.
      `CREATE INDEX IF NOT EXISTS images_feed_most_liked_idx ON images (like_count DESC, created_at DESC, id DESC)
        WHERE deleted_at IS NULL AND status = 'ready' AND visibility = 'public' AND moderation IS DISTINCT FROM 'sensitive'`,
      // forYou: a user's latest likes (the last half hour's shape their feed at once).
      `CREATE INDEX IF NOT EXISTS likes_user_recent_idx ON likes (user_id, created_at DESC)`,
      // similar: the same photo re-encoded or re-posted. Two 64-bit hashes at most 3 bits
      // apart agree on at least one of their four 16-bit quarters (pigeonhole), so four
      // lookups find every such pair without comparing against every image.
      ...[1, 5, 9, 13].map(
        (from) => `CREATE INDEX IF NOT EXISTS images_feed_hash_${(from + 3) / 4}_idx ON images (substr(perceptual_hash, ${from}, 4))
        WHERE deleted_at IS NULL AND status = 'ready' AND visibility = 'public' AND moderation IS DISTINCT FROM 'sensitive'`,
      ),
      // Each feed image's tags (user and machine alike, once) with what feeds rank by, kept by
      // the image repository on every change of tags, visibility, state or likes: "the most
      // liked feed images tagged T" is then one short index range, where joining image_tags
      // to images walks every image of a common tag (25,000 of 100,000 carry "outdoor").
      `CREATE TABLE IF NOT EXISTS feed_tags (
        image_id UUID NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        owner_id UUID NOT NULL,
        like_count INT8 NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (image_id, tag)
      )`,
      // owner_id last: "not the viewer's own" is answered from the index alone.
      `CREATE INDEX IF NOT EXISTS feed_tags_ranked_idx ON feed_tags (tag, like_count DESC, created_at DESC, image_id DESC, owner_id)`,
      `INSERT INTO feed_tags (image_id, tag, owner_id, like_count, created_at)
        SELECT DISTINCT i.id, t.tag, i.owner_id, i.like_count, i.created_at FROM images i JOIN image_tags t ON t.image_id = i.id
        WHERE i.deleted_at IS NULL AND i.status = 'ready' AND i.visibility = 'public' AND i.moderation IS DISTINCT FROM 'sensitive'
        ON CONFLICT (image_id, tag) DO NOTHING`,
    ],
  },
  {
    // Moving a library in and out: the content hash of each original (exact duplicates of an
    // owner's own images; NULL for images uploaded before it), bulk imports with one row per
    // entry (the unit of resumption: an entry becomes an image once), and exports.
    id: '0010_imports_exports',
    statements: [
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS content_hash TEXT`,
      `CREATE INDEX IF NOT EXISTS images_owner_content_hash_idx ON images (owner_id, content_hash) WHERE content_hash IS NOT NULL AND deleted_at IS NULL`,
      `CREATE TABLE IF NOT EXISTS imports (
        id UUID PRIMARY KEY,
        owner_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        keep_duplicates BOOLEAN NOT NULL DEFAULT false,
        visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted', 'private')),
        sources JSONB NOT NULL DEFAULT '[]',
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        error TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at TIMESTAMPTZ
      )`,
      `CREATE INDEX IF NOT EXISTS imports_owner_idx ON imports (owner_id, created_at DESC)`,
      `CREATE TABLE IF NOT EXISTS import_items (
        import_id UUID NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        entry TEXT NOT NULL,
        position INT8 NOT NULL,
        name TEXT NOT NULL,
        image_id UUID NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused', 'duplicate')),
        reason TEXT,
        PRIMARY KEY (import_id, entry)
      )`,
      `CREATE TABLE IF NOT EXISTS exports (
        id UUID PRIMARY KEY,
        owner_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        image_ids JSONB,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed')),
        total INT8 NOT NULL DEFAULT 0,
        done INT8 NOT NULL DEFAULT 0,
        bytes INT8 NOT NULL DEFAULT 0,
        object_key TEXT,
        error TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        ready_at TIMESTAMPTZ,
        expires_at TIMESTAMPTZ
      )`,
      `CREATE INDEX IF NOT EXISTS exports_owner_idx ON exports (owner_id, created_at DESC)`,
    ],
  },
  {
    id: '0011_albums',
    statements: [
      // An album belongs to one user and lists some of their images in an order; deleting it
      // never deletes an image, and deleting an image (or the account) takes it out of albums.
      `CREATE TABLE IF NOT EXISTS albums (
        id UUID PRIMARY KEY,
        owner_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        visibility TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
        cover_image_id UUID REFERENCES images (id) ON DELETE SET NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS albums_owner_idx ON albums (owner_id, created_at DESC, id DESC)`,
      // position: gaps of 1024 between neighbours, so a move writes one row (renumbered when a gap runs out).
      `CREATE TABLE IF NOT EXISTS album_images (
        album_id UUID NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
        image_id UUID NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        position INT8 NOT NULL,
        added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (album_id, image_id)
      )`,
      `CREATE INDEX IF NOT EXISTS album_images_order_idx ON album_images (album_id, position, image_id)`,
      `CREATE INDEX IF NOT EXISTS album_images_image_idx ON album_images (image_id)`,
    ],
  },
  {
    id: '0012_image_edits',
    statements: [
      // Simple edits (rotate, flip, crop) as a stack applied to the untouched original.
      // `edits` is the stack the owner asked for, `edits_version` the variants version it
      // will render as; `version` and `applied_edits` are what the served variants show.
      // Version 0 is the upload as processed; its URLs and object keys have no version in them.
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS version INT8 NOT NULL DEFAULT 0`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS edits JSONB NOT NULL DEFAULT '[]'`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS edits_version INT8 NOT NULL DEFAULT 0`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS applied_edits JSONB NOT NULL DEFAULT '[]'`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS edit_failure TEXT`,
      // The upright original's size (width and height become the edited size).
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS original_width INT8`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS original_height INT8`,
      `UPDATE images SET original_width = width, original_height = height WHERE status = 'ready' AND original_width IS NULL`,
      // The reconciler's look for edits whose job was lost.
      `CREATE INDEX IF NOT EXISTS images_edit_pending_idx ON images (updated_at) WHERE edits_version > version AND deleted_at IS NULL`,
    ],
  },
  {
    // Notification preferences and the language of a user's email; avatars; the moderation
    // queue (an admin approves an image the tagger marked sensitive, or hides it from everyone
    // but its owner); the likes digest's daily runs (one row per UTC day it covers, claimed by
    // the first scheduler, so a second scheduler or a second run that day queues nothing).
    id: '0013_preferences_and_moderation',
    statements: [
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS language TEXT`,
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS notify_likes_digest BOOLEAN NOT NULL DEFAULT true`,
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS notify_upload_failed BOOLEAN NOT NULL DEFAULT true`,
      // An avatar is one of the user's own images (uploaded through the same pipeline, unlisted).
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS avatar_image_id UUID`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS moderated_at TIMESTAMPTZ`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS moderated_by UUID`,
      `ALTER TABLE images ADD COLUMN IF NOT EXISTS hidden_at TIMESTAMPTZ`,
      `CREATE INDEX IF NOT EXISTS images_moderation_queue_idx ON images (created_at, id)
        WHERE moderation = 'sensitive' AND moderated_at IS NULL AND deleted_at IS NULL`,
      `CREATE TABLE IF NOT EXISTS digest_runs (
        kind TEXT NOT NULL,
        day TEXT NOT NULL,
        scheduled_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        jobs INT8 NOT NULL DEFAULT 0,
        PRIMARY KEY (kind, day)
      )`,
    ],
  },
  {
    id: '0014_machine_tag_removals',
    statements: [
      // A machine tag its owner removed as wrong: the tagger never writes it on that image again.
      `CREATE TABLE IF NOT EXISTS machine_tag_removals (
        image_id UUID NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        removed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (image_id, tag)
      )`,
    ],
  },
];

const ledger = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id TEXT PRIMARY KEY,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

// Two replicas creating the same object at once can collide in the catalog even with
// IF NOT EXISTS (PostgreSQL: 23505 on pg_type, 42P07 duplicate table; CockroachDB: 40001).
// The statements are idempotent, so the answer is to run the statement again.
const RACE_CODES = new Set(['23505', '42P07', '42710', '40001', '40P01']);

async function runIdempotent(db: Database, statement: string, attempts = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(statement);
      return;
    } catch (error) {
      if (!RACE_CODES.has(sqlState(error) ?? '') || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}

/**
 * Applies every migration not yet recorded; returns the ids this call applied. Safe to run
 * from several replicas at once: every statement is idempotent and retried on a race.
 */
export async function migrate(db: Database): Promise<string[]> {
  await runIdempotent(db, ledger);
  const done = new Set((await db.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    for (const statement of migration.statements) await runIdempotent(db, statement);
    // Replicas racing to record the same migration conflict at SERIALIZABLE: retried on 40001.
    const recorded = await db.transaction((tx) => tx.query('INSERT INTO schema_migrations (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [migration.id]));
    if (recorded.length > 0) applied.push(migration.id);
  }
  return applied;
}
