export { openInfrastructure, type Infrastructure, type InfrastructureOptions } from './infrastructure';
export { keepDataPrivate } from './private-data';
export { createStartupProgress, startupBackoff, waitFor, type StartupProgress, type WaitOptions } from './wait-for';
export { runService, startService, type RunningParts, type RunningService, type ServiceContext } from './run-service';
export {
  adminRoutes,
  authRoutes,
  createSigner,
  createVerifier,
  feedRoutes,
  indexerWorker,
  notificationRoutes,
  notifierWorker,
  searchRoutes,
  searchService,
  startImageProcessor,
  startIndexer,
  startLibraryJobs,
  libraryJobDeps,
  startMaintenance,
  startNotifier,
  startTagger,
  staticImageRoutes,
  uploadRoutes,
} from './services';
