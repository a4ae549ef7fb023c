import { scannerEnv, withoutRunnerTokens } from './isolation';

const RUNNER: NodeJS.ProcessEnv = {
  PATH: '/usr/bin',
  HOME: '/home/runner',
  HTTPS_PROXY: 'http://proxy:3128',
  GITHUB_TOKEN: 'ghs_canary',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'canary',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://canary',
  ACTIONS_RUNTIME_TOKEN: 'canary',
  ACTIONS_CACHE_URL: 'https://canary',
  ACTIONS_RESULTS_URL: 'https://canary',
  ACTIONS_STEP_DEBUG: 'true',
  AWS_SECRET_ACCESS_KEY: 'canary',
  TRIVY_SEVERITY: 'LOW',
  GRYPE_CONFIG: '/x',
  DOCKER_HOST: 'unix:///d.sock',
};

describe('scannerEnv', () => {
  it('passes only the allowlist, then the adapter settings', () => {
    expect(scannerEnv(RUNNER, { TRIVY_USERNAME: 'ci' })).toEqual({ PATH: '/usr/bin', HOME: '/home/runner', HTTPS_PROXY: 'http://proxy:3128', TRIVY_USERNAME: 'ci' });
  });
});

describe('withoutRunnerTokens', () => {
  it('keeps a builder its settings, drops the runner request tokens', () => {
    const env = withoutRunnerTokens(RUNNER);
    expect(env).toMatchObject({ DOCKER_HOST: 'unix:///d.sock', ACTIONS_STEP_DEBUG: 'true', PATH: '/usr/bin' });
    expect(Object.keys(env).filter((k) => k.startsWith('ACTIONS_'))).toEqual(['ACTIONS_STEP_DEBUG']);
  });
});
