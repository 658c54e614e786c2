import type { Job, JobHandler, LibraryJobPayload } from '@glimpse/job-queue';
import { runExport, type ExportJobDeps } from './export-job';
import { runImport, type ImportJobDeps } from './import-job';
import { exportsStore, imports } from './store';

export type LibraryJobDeps = ImportJobDeps & ExportJobDeps;

/**
 * The `library-jobs` queue: imports and exports. At-least-once and idempotent like every job:
 * an import resumes from its pending entries, an export writes its zip again. On the last
 * attempt a failure is recorded on the import or export, so its status says why.
 */
export function createLibraryJobHandler(deps: LibraryJobDeps): JobHandler<LibraryJobPayload> {
  return async (job: Job<LibraryJobPayload>) => {
    const payload = job.payload;
    try {
      if (payload.kind === 'import') await runImport(deps, payload.importId);
      else await runExport(deps, payload.exportId);
    } catch (error) {
      const reason = `${job.attempt} attempts failed: ${error instanceof Error ? error.message : String(error)}`;
      deps.logger.warn({ jobId: job.id, attempt: job.attempt, ...payload, err: error }, 'library job failed');
      if (job.isLastAttempt) {
        if (payload.kind === 'import') await imports.setStatus(deps.db, payload.importId, 'failed', reason);
        else await exportsStore.markFailed(deps.db, payload.exportId, reason);
      }
      throw error;
    }
  };
}
