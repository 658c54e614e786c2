import { describe, expect, it } from 'vitest';
import { ConfigError, describeAdapters, loadConfig } from '@glimpse/config';

describe('configuration', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', UPLOAD_MAX_BYTES: 52_428_800, UPLOAD_MAX_PIXELS: 100_000_000 });
    expect(describeAdapters(config)).toEqual({ database: 'pglite', objectStorage: 'filesystem', jobQueue: 'in-process', searchIndex: 'embedded', mail: 'files' });
  });

  it('selects the production adapters from their variables', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:26257/glimpse',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY: 'key',
      S3_SECRET_KEY: 'secret',
      AMQP_URL: 'amqp://u:p@rabbitmq:5672',
      SMTP_URL: 'smtps://glimpse:secret@mail.example.com:465',
    });
    expect(describeAdapters(config)).toEqual({ database: 'postgres', objectStorage: 's3', jobQueue: 'rabbitmq', searchIndex: 'embedded', mail: 'smtp' });
  });

  it('picks the search engine: SEARCH_ENGINE when set, else Typesense when TYPESENSE_URL is set, else embedded', () => {
    const typesense = { TYPESENSE_URL: 'http://typesense:8108', TYPESENSE_API_KEY: 'key' };
    expect(loadConfig({}).searchEngine).toBe('embedded');
    expect(loadConfig(typesense).searchEngine).toBe('typesense');
    expect(loadConfig({ SEARCH_ENGINE: 'database' }).searchEngine).toBe('database');
    expect(loadConfig({ ...typesense, SEARCH_ENGINE: 'database' }).searchEngine).toBe('database');
    expect(loadConfig({ ...typesense, SEARCH_ENGINE: 'embedded' }).searchEngine).toBe('embedded');
    expect(describeAdapters(loadConfig({ SEARCH_ENGINE: 'database', DATABASE_URL: 'postgres://u:p@db:26257/glimpse' }))).toMatchObject({ database: 'postgres', searchIndex: 'database' });
  });

  it('refuses an unknown search engine, and Typesense without its URL', () => {
    expect(messageOf({ SEARCH_ENGINE: 'elasticsearch' })).toMatch(/SEARCH_ENGINE: .*"embedded"\|"database"\|"typesense" \(got "elasticsearch"\)/);
    expect(messageOf({ SEARCH_ENGINE: 'typesense' })).toMatch(/TYPESENSE_URL: required when SEARCH_ENGINE is typesense \(unset\)/);
  });

  it('turns semantic search on only for Typesense (TYPESENSE_SEMANTIC=clip), off by default', () => {
    const typesense = { TYPESENSE_URL: 'http://typesense:8108', TYPESENSE_API_KEY: 'key' };
    expect(loadConfig(typesense).TYPESENSE_SEMANTIC).toBe('off');
    expect(loadConfig({ ...typesense, TYPESENSE_SEMANTIC: 'clip' }).TYPESENSE_SEMANTIC).toBe('clip');
    expect(messageOf({ TYPESENSE_SEMANTIC: 'clip' })).toMatch(/TYPESENSE_SEMANTIC: needs Typesense .*the embedded and database indexes have no semantic search/);
    expect(messageOf({ ...typesense, SEARCH_ENGINE: 'database', TYPESENSE_SEMANTIC: 'clip' })).toMatch(/TYPESENSE_SEMANTIC: needs Typesense/);
    expect(messageOf({ ...typesense, TYPESENSE_SEMANTIC: 'siglip' })).toMatch(/TYPESENSE_SEMANTIC: .*"off"\|"clip"/);
  });

  const messageOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected the configuration to be refused');
  };

  it('refuses bad settings, naming every variable and what was expected, without echoing secrets', () => {
    const message = messageOf({ PORT: 'eighty', DATABASE_URL: 'postgres-but-not-a-url', AMQP_URL: 'http://rabbit', UPLOAD_MAX_BYTES: '-5' });
    for (const name of ['PORT', 'DATABASE_URL', 'AMQP_URL', 'UPLOAD_MAX_BYTES']) expect(message).toContain(`${name}:`);
    expect(message).toMatch(/AMQP_URL: expected an amqp:\/\/ or amqps:\/\/ URL/);
    expect(message).not.toContain('postgres-but-not-a-url');
  });

  it('refuses a mail server that is not SMTP and a sender that is not an address, without echoing the password', () => {
    const message = messageOf({ SMTP_URL: 'http://user:hunter2@mail.example.com', MAIL_FROM: 'Glimpse' });
    expect(message).toMatch(/SMTP_URL: expected an smtp:\/\/ or smtps:\/\/ URL/);
    expect(message).toMatch(/MAIL_FROM: expected an address, e.g. Glimpse <glimpse@example.com> \(got "Glimpse"\)/);
    expect(message).not.toContain('hunter2');
    expect(loadConfig({ MAIL_FROM: 'Photos <photos@example.org>' }).MAIL_FROM).toBe('Photos <photos@example.org>');
  });

  it('refuses settings that only make sense together', () => {
    const message = messageOf({ S3_ENDPOINT: 'http://minio:9000', S3_BUCKET_PROCESSED: 'Bad_Bucket' });
    expect(message).toMatch(/S3_ACCESS_KEY: required when S3_ENDPOINT is set/);
    expect(message).toMatch(/S3_SECRET_KEY: required when S3_ENDPOINT is set/);
    expect(message).toMatch(/S3_BUCKET_PROCESSED: expected an S3 bucket name/);
  });
});
