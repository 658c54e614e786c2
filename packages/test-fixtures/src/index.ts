export * from './images';
export * from './api';
