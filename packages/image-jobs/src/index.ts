export { createProcessImageHandler, type ProcessImageDeps, type ProcessImagePayload } from './process-image';
