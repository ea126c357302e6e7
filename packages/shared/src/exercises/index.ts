export * from './steps.js';
export * from './definition.js';
export * from './safety.js';
export { BUILT_IN_EXERCISES, builtInVersions, findBuiltInExercise } from './library/index.js';
export { EVERYDAY_ONLY } from './library/build.js';
export { BUILT_IN_RISK_SIGNALS, BUILT_IN_SHARING, withBuiltInSafety } from './library/safety-signals.js';
export { SOURCES as EXERCISE_SOURCES } from './library/build.js';
