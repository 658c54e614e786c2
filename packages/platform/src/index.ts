export { openInfrastructure, type Infrastructure } from './infrastructure';
export { runService, startService, type RunningParts, type RunningService, type ServiceContext } from './run-service';
export { authRoutes, createSigner, createVerifier, feedRoutes, searchRoutes, startImageProcessor, startIndexer, startMaintenance, startTagger, staticImageRoutes, uploadRoutes } from './services';
