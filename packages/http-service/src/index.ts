export type { ProtectedContext, RequestContext } from './trpc-edge';
export { formatApiError, mapDomainErrors, readRequestContext, requireViewer, sendApiError, toApiError } from './trpc-edge';
export type { ServiceMetrics } from './metrics';
export { createJobMetrics, createMetrics } from './metrics';
export { createRateLimiter } from './rate-limit';
export type { ReadinessCheck, RequestHandler, Route, ServiceServer, ServiceServerOptions } from './server';
export { createServiceServer, sendJson } from './server';
