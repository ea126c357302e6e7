export * from './steps.js';
export * from './definition.js';
export { BUILT_IN_EXERCISES, findBuiltInExercise } from './library/index.js';
export { SOURCES as EXERCISE_SOURCES } from './library/build.js';
