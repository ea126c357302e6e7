export * from './instruments.js';
export * from './scoring.js';
export * from './exercise.js';
export * from './contracts.js';
