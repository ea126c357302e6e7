import { Foundation1764000000000 } from './1764000000000-foundation.js';

/** Every migration, oldest first. Migrations are the only way the schema changes. */
export const MIGRATIONS = [Foundation1764000000000];
