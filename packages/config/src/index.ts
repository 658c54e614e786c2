import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Configuration is read once from the environment, validated, and passed down.
 * Every app and worker reads the same variable names (12-factor); a variable an app
 * does not use is simply ignored by it. Unset adapters fall back to embedded defaults.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const positiveInt = z.coerce.number().int().positive();
const optionalUrl = z.url().optional();

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: optionalUrl,
  GLIMPSE_DATA_DIR: z.string().min(1).default('data'),

  DATABASE_URL: optionalUrl,
  DATABASE_READ_URL: optionalUrl,
  DATABASE_POOL_SIZE: positiveInt.default(10),

  S3_ENDPOINT: optionalUrl,
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY: z.string().optional(),
  S3_SECRET_KEY: z.string().optional(),
  S3_BUCKET_UNPROCESSED: z.string().min(3).default('unprocessed'),
  S3_BUCKET_PROCESSED: z.string().min(3).default('processed'),
  S3_FORCE_PATH_STYLE: bool.default(true),

  AMQP_URL: z.string().regex(/^amqps?:\/\//, 'expected an amqp:// or amqps:// URL').optional(),

  /** Where search lives; unset: typesense when TYPESENSE_URL is set, else embedded. */
  SEARCH_ENGINE: z.enum(['embedded', 'database', 'typesense']).optional(),
  TYPESENSE_URL: optionalUrl,
  TYPESENSE_API_KEY: z.string().optional(),
  /**
   * Semantic search in Typesense: "clip" has Typesense embed each image with its built-in CLIP model
   * (ts/clip-vit-b-p32) and answers free text with hybrid search; "off" (the default) keeps keyword search.
   */
  TYPESENSE_SEMANTIC: z.enum(['off', 'clip']).default('off'),
  GORSE_URL: optionalUrl,
  GORSE_API_KEY: z.string().optional(),

  AUTH_PRIVATE_KEY: z.string().includes('PRIVATE KEY', { message: 'expected a PKCS8 PEM private key' }).optional(),
  AUTH_JWKS_URL: optionalUrl,
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900),
  REFRESH_TOKEN_TTL_DAYS: positiveInt.default(30),
  STATIC_URL_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),

  UPLOAD_MAX_BYTES: positiveInt.default(50 * 1024 * 1024),
  UPLOAD_MAX_PIXELS: positiveInt.default(100_000_000),
  /** Per user: bytes of originals kept, and uploads accepted per hour. */
  UPLOAD_QUOTA_BYTES: positiveInt.default(10 * 1024 ** 3),
  UPLOADS_PER_HOUR: positiveInt.default(300),
  /**
   * Per user: uploads accepted at once (a folder of photos) and the sustained rate after it,
   * a token bucket like the ingress's (README, "Rate limits"; the same numbers as the chart).
   */
  UPLOAD_BURST: positiveInt.default(100),
  /** One import's files together (a zip of a library); streamed to storage, never held in memory. */
  IMPORT_MAX_BYTES: positiveInt.default(10 * 1024 ** 3),
  /** How long a finished export stays downloadable; then a sweep deletes it. */
  EXPORT_TTL_HOURS: positiveInt.default(72),
  UPLOADS_PER_MINUTE: positiveInt.default(60),
  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs, e.g.
   * the ingress's pod network); none by default, so the client is the connected peer.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.every(isAddressOrCidr), 'expected comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8,fd00::/8'),
  /**
   * How long an anonymous visitor's feed answer (latest, popular, an image's card, a gallery)
   * is reused, in ms (0 turns it off; at most 1000). Signed-in reads are never reused, so
   * whoever made a change sees it at once and everyone else within this.
   */
  ANONYMOUS_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(500),
  WORKER_CONCURRENCY: positiveInt.default(2),
  JOB_MAX_ATTEMPTS: positiveInt.default(5),
  RECONCILE_AFTER_SECONDS: positiveInt.default(600),
  /** Machine tagging (a vision model, ~6 s to load, ~0.5 s per image); off for very small hosts. */
  TAGGER_ENABLED: bool.default(true),

  /** Where email goes: smtp:// (STARTTLS when offered) or smtps://; unset, the all-in-one writes .eml files under the data dir. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^/]/, 'expected an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587').optional(),
  /** Credentials for SMTP_URL when they are kept apart from it (a Secret); they win over those in the URL. */
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  MAIL_FROM: z.string().regex(/^([^<>]*<)?[^@\s<>]+@[^@\s<>]+>?$/, 'expected an address, e.g. Glimpse <glimpse@example.com>').default('Glimpse <glimpse@localhost>'),
  /** Accounts that are administrators from sign-up or their next sign-in (comma-separated emails); the first account ever is one too. */
  ADMIN_EMAILS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean))
    .refine((entries) => entries.every((entry) => /^[^@\s]+@[^@\s]+$/.test(entry)), 'expected comma-separated email addresses, e.g. ops@example.com,lead@example.com'),
  /** Attempts at sending one email before it is dead-lettered (1 s, 2 s, 4 s … 1 min apart: about 10 minutes of SMTP outage). */
  MAIL_MAX_ATTEMPTS: positiveInt.default(15),
  /** Unverified accounts cannot upload until they confirm their address (upload.create answers FORBIDDEN saying so). */
  REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD: bool.default(false),
}).superRefine((config, context) => {
  // Settings that only make sense together.
  if (config.S3_ENDPOINT) {
    for (const key of ['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const) {
      if (!config[key]) context.addIssue({ code: 'custom', path: [key], message: 'required when S3_ENDPOINT is set' });
    }
  }
  if (config.SEARCH_ENGINE === 'typesense' && !config.TYPESENSE_URL) {
    context.addIssue({ code: 'custom', path: ['TYPESENSE_URL'], message: 'required when SEARCH_ENGINE is typesense' });
  }
  // Only Typesense embeds images and queries (no model ships with the embedded or database index).
  if (config.TYPESENSE_SEMANTIC !== 'off' && (!config.TYPESENSE_URL || (config.SEARCH_ENGINE && config.SEARCH_ENGINE !== 'typesense'))) {
    context.addIssue({ code: 'custom', path: ['TYPESENSE_SEMANTIC'], message: 'needs Typesense (TYPESENSE_URL, and SEARCH_ENGINE unset or typesense): the embedded and database indexes have no semantic search' });
  }
  for (const key of ['S3_BUCKET_UNPROCESSED', 'S3_BUCKET_PROCESSED'] as const) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(config[key])) {
      context.addIssue({ code: 'custom', path: [key], message: 'expected an S3 bucket name: 3-63 lower-case letters, digits, dots or hyphens' });
    }
  }
});

export type SearchEngine = NonNullable<z.infer<typeof configSchema>['SEARCH_ENGINE']>;

export type GlimpseConfig = z.infer<typeof configSchema> & {
  dataDir: string;
  /** SEARCH_ENGINE, or its default: typesense when TYPESENSE_URL is set, else embedded. */
  searchEngine: SearchEngine;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Record<keyof z.input<typeof configSchema>, string>> = {}): GlimpseConfig {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...env, ...overrides })) {
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const shown = raw[name] === undefined ? 'unset' : `got ${JSON.stringify(redact(name, raw[name]))}`;
      return `  ${name}: ${issue.message} (${shown})`;
    });
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const searchEngine = parsed.data.SEARCH_ENGINE ?? (parsed.data.TYPESENSE_URL ? 'typesense' : 'embedded');
  return { ...parsed.data, dataDir: resolve(parsed.data.GLIMPSE_DATA_DIR), searchEngine };
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
}

function redact(name: string, value: string | undefined): string | undefined {
  return /KEY|SECRET|PASSWORD|URL/.test(name) && value ? `${value.slice(0, 4)}…` : value;
}

/** Which adapters a config selects, for logs and /readyz. */
export function describeAdapters(config: GlimpseConfig) {
  return {
    database: config.DATABASE_URL ? 'postgres' : 'pglite',
    objectStorage: config.S3_ENDPOINT ? 's3' : 'filesystem',
    jobQueue: config.AMQP_URL ? 'rabbitmq' : 'in-process',
    searchIndex: config.searchEngine,
    mail: config.SMTP_URL ? 'smtp' : 'files',
  } as const;
}
