import { lstat, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@glimpse/config';
import { migrate } from '@glimpse/database';
import { reconcileStuckImages, redriveDeadLetters, reindexAll, retagAll, sweepOrphans } from '@glimpse/image-jobs';
import { QUEUES } from '@glimpse/job-queue';
import { createLogger } from '@glimpse/logging';
import { imageReads } from '@glimpse/images';
import { keepDataPrivate, libraryJobDeps, openInfrastructure } from '@glimpse/platform';
import { createLocalImport, importsStore, runImport, type LocalFile } from '@glimpse/upload';

const usage = `glimpse <command> [options]

Commands:
  migrate                 apply database migrations (waits up to --wait seconds for the database)
  reconcile [--older 600] re-enqueue images stuck in pending/processing for longer than N seconds
  sweep [--grace 3600]    remove orphaned objects and purge deleted rows older than N seconds
  redrive [--queue Q]     return dead-lettered jobs to their queue (default process-images)
  dead-letters [--queue Q] list dead-lettered jobs with their reasons
  reindex                 rebuild the search index and the recommender from the database
  retag                   send every ready image back to the tagger (after a model change)
  import DIR --user NAME [--keep-duplicates] [--visibility public|unlisted|private]
                          import a folder on this machine (its images, and any zips in it, nested
                          folders included) into NAME's library, with a progress bar; the images
                          are then processed by the workers

Configuration comes from the same environment variables as the services (see README).
In embedded mode (no DATABASE_URL), stop \`npm start\` first: the embedded database has one owner.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    wait: { type: 'string', default: '120' },
    older: { type: 'string' },
    grace: { type: 'string', default: '3600' },
    queue: { type: 'string', default: QUEUES.processImages },
    user: { type: 'string' },
    'keep-duplicates': { type: 'boolean', default: false },
    visibility: { type: 'string', default: 'public' },
    help: { type: 'boolean', short: 'h' },
  },
});
const command = positionals[0];
if (!command || values.help) {
  console.log(usage);
  process.exit(command || values.help ? 0 : 2);
}

const logger = createLogger(`cli-${command}`);
const seconds = (name: string, value: string | undefined, fallback: number) => {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    console.error(`--${name}: expected a number of seconds, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return parsed;
};

/**
 * One line per phase, redrawn in place on a terminal: `images [#########-----] 1800/3000`.
 * Piped into a file or a log, plain lines instead: at every tenth of the way and at the end.
 */
const printed = new Map<string, number>();
function progressBar({ phase, done, total }: { phase: string; done: number; total: number }) {
  if (!process.stderr.isTTY) {
    const step = Math.floor((total > 0 ? done / total : 1) * 10);
    if (printed.get(phase) === step && done < total) return;
    printed.set(phase, step);
    process.stderr.write(`${phase}: ${done}/${total}${total > 0 ? ` (${Math.round((done / total) * 100)}%)` : ''}\n`);
    return;
  }
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  process.stderr.write(`\r${phase.padEnd(6)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
  if (done >= total) process.stderr.write('\n');
}

/** Every file under `root` (nested folders too), in name order; symbolic links are reported and left out. */
async function filesUnder(root: string, skipped: string[]): Promise<LocalFile[]> {
  const found: LocalFile[] = [];
  async function walk(directory: string) {
    for (const entry of (await readdir(directory, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(directory, entry.name);
      const name = relative(root, path).split(sep).join('/');
      if (entry.name.startsWith('.')) continue;
      if (entry.isSymbolicLink()) skipped.push(`${name}: a symbolic link; only files are imported`);
      else if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push({ name, path, bytes: (await lstat(path)).size });
    }
  }
  await walk(root);
  return found;
}

async function openWhenReachable(config: ReturnType<typeof loadConfig>, waitSeconds: number) {
  const deadline = Date.now() + waitSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      // a dependency still starting is waited for inside, up to the same deadline
      return await openInfrastructure(config, logger, { migrate: false, waitMs: Math.max(0, deadline - Date.now()) });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      logger.warn({ attempt, err: error instanceof Error ? error.message : String(error) }, 'waiting for dependencies');
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 500 * attempt)));
    }
  }
}

try {
  const config = loadConfig();
  // what the CLI writes into the data directory (database files, queue, search index) is as private as what the services write
  keepDataPrivate(config.dataDir);
  const infra = await openWhenReachable(config, seconds('wait', values.wait, 120));
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrate(infra.db);
        console.log(applied.length ? `applied ${applied.join(', ')}` : 'database already up to date');
        break;
      }
      case 'reconcile': {
        const ids = await reconcileStuckImages(infra.db, seconds('older', values.older, config.RECONCILE_AFTER_SECONDS), logger);
        console.log(`re-enqueued ${ids.length} stuck image(s)`);
        break;
      }
      case 'sweep': {
        const result = await sweepOrphans({ ...infra, logger }, seconds('grace', values.grace, 3600));
        console.log(`removed ${result.orphanObjects.length} orphaned object(s), purged ${result.purgedImages.length} deleted image row(s)`);
        break;
      }
      case 'redrive': {
        console.log(`returned ${await redriveDeadLetters(infra.db, infra.queue, logger, values.queue)} dead letter(s) to ${values.queue}`);
        break;
      }
      case 'dead-letters': {
        const letters = await infra.queue.deadLetters(values.queue!);
        for (const letter of letters) console.log(`${letter.id}\t${letter.attempts} attempts\t${JSON.stringify(letter.payload)}\t${letter.reason}`);
        console.log(`${letters.length} dead letter(s) in ${values.queue}`);
        break;
      }
      case 'reindex': {
        const started = Date.now();
        const result = await reindexAll({ db: infra.db, searchIndex: await infra.searchIndex(), recommender: infra.recommender(), images: { storage: infra.storage, bucket: infra.buckets.processed } }, progressBar);
        process.stderr.write('\n');
        console.log(`reindexed ${result.images} image(s), ${result.likes} like(s), ${result.views} view(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        break;
      }
      case 'retag': {
        const queued = await retagAll(infra.db, (done, total) => progressBar({ phase: 'images', done, total }));
        process.stderr.write('\n');
        console.log(`sent ${queued} image(s) back to the tagger; the workers pick them up behind new uploads`);
        break;
      }
      case 'import': {
        const directory = positionals[1];
        if (!directory || !values.user) {
          console.error('import: expected a folder and the account to import into, e.g. glimpse import /srv/photos --user alice');
          process.exitCode = 2;
          break;
        }
        if (!['public', 'unlisted', 'private'].includes(values.visibility!)) {
          console.error(`--visibility: expected public, unlisted or private, got ${JSON.stringify(values.visibility)}`);
          process.exitCode = 2;
          break;
        }
        const owner = await imageReads.ownerNamed(infra.db, values.user);
        if (!owner) {
          console.error(`--user: no account is named ${JSON.stringify(values.user)}`);
          process.exitCode = 2;
          break;
        }
        const root = resolve(directory);
        const skipped: string[] = [];
        const files = await filesUnder(root, skipped).catch((error: NodeJS.ErrnoException) => {
          console.error(`import: cannot read the folder ${root} (${error.code ?? error.message})`);
          process.exit(2);
        });
        if (files.length === 0) {
          console.error(`import: no files under ${root}`);
          process.exitCode = 2;
          break;
        }
        const deps = libraryJobDeps(infra, logger);
        const importId = await createLocalImport(
          deps,
          { ownerId: owner.id, files, keepDuplicates: values['keep-duplicates']!, visibility: values.visibility as 'public' | 'unlisted' | 'private' },
          (done, total) => progressBar({ phase: 'copy', done, total }),
        );
        // The import runs here, entry by entry; a worker takes over the same job should this stop.
        await runImport({ ...deps, sliceMs: Number.POSITIVE_INFINITY, onEntrySettled: (_id, settled, total) => progressBar({ phase: 'import', done: settled, total }) }, importId);
        const items = await importsStore.items(infra.db, importId);
        const count = (status: string) => items.filter((item) => item.status === status).length;
        for (const item of items.filter((entry) => entry.status === 'refused' || entry.status === 'duplicate')) console.log(`${item.name}\t${item.reason}`);
        for (const line of skipped) console.log(line);
        console.log(`import ${importId}: ${count('accepted')} image(s) accepted, ${count('duplicate')} duplicate(s) skipped, ${count('refused') + skipped.length} refused, of ${items.length + skipped.length}; the workers process them next`);
        break;
      }
      default:
        console.error(`unknown command ${JSON.stringify(command)}\n\n${usage}`);
        process.exitCode = 2;
    }
  } finally {
    await infra.close();
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  logger.fatal({ err: error }, `${command} failed`);
  process.exit(1);
}
