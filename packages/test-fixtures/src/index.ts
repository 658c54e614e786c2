export * from './images';
export * from './api';
export * from './waiting';
export * from './smtp-capture';
