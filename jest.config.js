// One jest run for the whole workspace: shared unit tests, API e2e tests and
// browser journeys. All API and browser tests run against a real PostgreSQL
// started (or reached through DATABASE_URL) by apps/api/test/global-setup.mjs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      keepClassNames: true,
      experimental: { keepImportAttributes: true },
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

// A few dependencies ship only ES modules but are require()d by CommonJS
// packages; Node 20 allows that, jest's module loader does not, so jest gets
// CommonJS copies of them.
const esmOnlyDependencies = ['content-disposition', 'file-type'];
const toCommonJs = ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];

const common = {
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    [`node_modules/(${esmOnlyDependencies.join('|')})/.+\\.js$`]: toCommonJs,
    '^.+\\.(t|j)sx?$': swc,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyDependencies.join('|')})/)`],
  moduleNameMapper: {
    '^@tandem/shared$': '<rootDir>/packages/shared/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  rootDir: '.',
  maxWorkers: 2,
  // Browser journeys take seconds; a hung one still fails in bounded time.
  testTimeout: 90_000,
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'shared',
      testMatch: ['<rootDir>/packages/shared/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'api',
      testMatch: ['<rootDir>/apps/api/**/*.spec.ts', '<rootDir>/apps/api/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/global-setup.mjs',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/apps/dashboard/test/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/global-setup.mjs',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
    },
  ],
};
