import { afterAll } from 'vitest';
import { migrate, openPglite, type Database } from '@glimpse/database';
import { createDatabaseSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract } from './contract';
import { describeSearchQuality } from './quality';
import { describeRelevance } from './relevance';

/** The shared suites against search in the database, on PGlite (real PostgreSQL in WASM), migrated as at start. */
const opened: Database[] = [];
const open = async () => {
  const db = await openPglite();
  opened.push(db);
  await migrate(db);
  return createDatabaseSearchIndex({ db });
};
afterAll(() => Promise.all(opened.map((db) => db.close())));

describeSearchIndexContract('database (PGlite)', open);
describeSearchQuality('database (PGlite)', open);
describeRelevance('database (PGlite)', open);
