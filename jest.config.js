/** @type {import('jest').Config} */

// ESM-only packages (no CommonJS build) that the CommonJS test runtime must transpile: the
// Kubernetes client and its OIDC dependencies (Node itself loads them with require(esm)). Their
// nested jose is ESM-only too; the top-level jose (CommonJS, for @sigstore/mock) is left alone.
const esmOnly = '@kubernetes/client-node|openid-client|oauth4webapi';

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    [`^.+/node_modules/(${esmOnly})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true }, diagnostics: false }],
  },
  transformIgnorePatterns: [`(?<!/openid-client)/node_modules/(?!(${esmOnly})/)`],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'],
  testTimeout: 120000,
  // Tests start real registries, dockerd, trivy: two cores, so keep parallelism modest.
  maxWorkers: 2,
};
