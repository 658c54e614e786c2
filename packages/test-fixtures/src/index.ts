export * from './images';
export * from './api';
export * from './waiting';
export * from './files';
export * from './smtp-capture';
export * from './zips';
