export * from './contracts/index.js';
export * from './exercises/index.js';
export * from './measures/index.js';
