import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openPglite } from '@glimpse/database';
import { describeDatabaseContract } from './contract';

const directory = mkdtempSync(join(tmpdir(), 'glimpse-pglite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeDatabaseContract('PGlite (embedded)', () => openPglite(join(directory, 'contract')));

describe('PGlite durability', () => {
  it('keeps committed rows across close and reopen of its data directory', async () => {
    const path = join(directory, 'durable');
    const first = await openPglite(path);
    await migrate(first);
    await first.query(`INSERT INTO users (email, username, password_hash) VALUES ('keep@example.com', 'keeper', 'x')`);
    await first.close();
    const second = await openPglite(path);
    expect(await second.query('SELECT username FROM users')).toEqual([{ username: 'keeper' }]);
    await expect(second.ping()).resolves.toBeUndefined();
    await second.close();
    await expect(second.ping()).rejects.toThrow(/closed/);
  });
});
