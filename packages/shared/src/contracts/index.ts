export * from './roles.js';
export * from './errors.js';
export * from './auth.js';
export * from './staff.js';
export * from './pagination.js';
export * from './clients.js';
export * from './audit.js';
export * from './notes.js';
