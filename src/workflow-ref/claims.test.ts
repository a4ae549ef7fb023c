import { UserError } from '../core/errors';
import { decodeTokenClaims, GITHUB_ACTIONS_ISSUER, githubClaims, jobWorkflow, parseWorkflowRef, refKind } from './claims';
import { confirmSelfCheckout, signerIdentity } from './self-checkout';

const SHA_CALLER = '0123456789abcdef0123456789abcdef01234567';
const SHA_SHIP = 'fedcba9876543210fedcba9876543210fedcba98';

/**
 * Token payloads in the shapes GitHub's OIDC provider issues (docs "Understanding the OIDC token",
 * including the example with a reusable workflow of another repository): every value a string.
 */
const CALLED_AT_TAG = {
  jti: '2fb4f5b4-4a1b-4d6b-9ab0-7d0a2a6b3f3e',
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  aud: 'sigstore',
  ref: 'refs/heads/main',
  sha: SHA_CALLER,
  repository: 'octo-org/octo-repo',
  repository_owner: 'octo-org',
  repository_owner_id: '65',
  repository_visibility: 'private',
  repository_id: '74',
  run_id: '9001',
  run_number: '10',
  run_attempt: '2',
  runner_environment: 'github-hosted',
  actor_id: '12',
  actor: 'octocat',
  workflow: 'release',
  head_ref: '',
  base_ref: '',
  event_name: 'push',
  ref_type: 'branch',
  ref_protected: 'true',
  workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  workflow_sha: SHA_CALLER,
  job_workflow_ref: 'octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3',
  job_workflow_sha: SHA_SHIP,
  iss: GITHUB_ACTIONS_ISSUER,
  nbf: 1632492967,
  exp: 1632493867,
  iat: 1632493567,
};

function jwt(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'k' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function job(overrides: Record<string, string>) {
  return jobWorkflow(githubClaims(decodeTokenClaims(jwt({ ...CALLED_AT_TAG, ...overrides })))!);
}

describe('job_workflow_ref / job_workflow_sha', () => {
  test('a reusable workflow of another repository at a release tag: its own repository and commit, not the caller’s', () => {
    const w = job({});
    expect(w).toEqual({
      repository: 'octo-org/ship-image',
      owner: 'octo-org',
      path: '.github/workflows/ship.yml',
      ref: 'refs/tags/v1.2.3',
      refKind: 'tag',
      sha: SHA_SHIP,
      reusable: true,
    });
    expect(signerIdentity(w)).toBe('https://github.com/octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3');
  });

  test('called at a branch, at a commit SHA, from a pull request', () => {
    expect(job({ job_workflow_ref: 'octo-org/ship-image/.github/workflows/ship.yml@refs/heads/main' })).toMatchObject({ ref: 'refs/heads/main', refKind: 'branch' });
    expect(job({ job_workflow_ref: `octo-org/ship-image/.github/workflows/ship.yml@${SHA_SHIP}` })).toMatchObject({ ref: SHA_SHIP, refKind: 'commit', sha: SHA_SHIP });
    // A workflow in the repository itself, run for a pull request: both refs are the merge ref.
    const pr = job({
      sub: 'repo:octo-org/octo-repo:pull_request',
      event_name: 'pull_request',
      ref: 'refs/pull/7/merge',
      head_ref: 'feature',
      base_ref: 'main',
      workflow_ref: 'octo-org/octo-repo/.github/workflows/ci.yml@refs/pull/7/merge',
      job_workflow_ref: 'octo-org/octo-repo/.github/workflows/ci.yml@refs/pull/7/merge',
      job_workflow_sha: SHA_CALLER,
    });
    expect(pr).toMatchObject({ repository: 'octo-org/octo-repo', ref: 'refs/pull/7/merge', refKind: 'pull', reusable: false, sha: SHA_CALLER });
  });

  test('a top-level workflow is not reusable: job_workflow_ref equals workflow_ref', () => {
    const ref = 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main';
    expect(job({ job_workflow_ref: ref, job_workflow_sha: SHA_CALLER }).reusable).toBe(false);
  });

  test('a reusable workflow of the caller’s own repository is reusable too', () => {
    const w = job({ job_workflow_ref: 'octo-org/octo-repo/.github/workflows/ship.yml@refs/heads/main', job_workflow_sha: SHA_CALLER });
    expect(w).toMatchObject({ repository: 'octo-org/octo-repo', path: '.github/workflows/ship.yml', reusable: true });
  });

  test('workflow paths and names GitHub allows', () => {
    expect(parseWorkflowRef('my-org/my.repo_1/.github/workflows/sub dir/x.yaml@refs/tags/v1')).toMatchObject({ repository: 'my-org/my.repo_1', path: '.github/workflows/sub dir/x.yaml' });
    expect(parseWorkflowRef('octo-org/octo-repo/ci.yml@refs/heads/main')).toBeUndefined();
    expect(parseWorkflowRef('octo-org/.github/workflows/x.yml@refs/heads/main')).toBeUndefined();
    expect(parseWorkflowRef('octo-org/../.github/workflows/x.yml@v1')).toBeUndefined();
    expect(parseWorkflowRef('octo-org/octo-repo/.github/workflows/x.yml')).toBeUndefined();
  });

  test('ref kinds', () => {
    expect(refKind('refs/tags/v1.2.3')).toBe('tag');
    expect(refKind('refs/heads/release/1.x')).toBe('branch');
    expect(refKind('refs/pull/12/head')).toBe('pull');
    expect(refKind(SHA_SHIP)).toBe('commit');
    expect(refKind('v1')).toBe('other');
    expect(refKind(SHA_SHIP.toUpperCase())).toBe('other');
  });

  test('missing or inconsistent claims are refused, never guessed', () => {
    const bad = (overrides: Record<string, string | undefined>) => () =>
      jobWorkflow(githubClaims(decodeTokenClaims(jwt({ ...CALLED_AT_TAG, ...overrides })))!);
    expect(bad({ job_workflow_ref: undefined })).toThrow(/no job_workflow_ref/);
    expect(bad({ job_workflow_sha: undefined })).toThrow(/job_workflow_sha/);
    expect(bad({ job_workflow_sha: 'v1.2.3' })).toThrow(UserError);
    expect(bad({ job_workflow_ref: 'not a workflow ref' })).toThrow(/not owner\/name/);
    expect(bad({ job_workflow_ref: `octo-org/ship-image/.github/workflows/ship.yml@${SHA_CALLER}` })).toThrow(/inconsistent/);
  });
});

describe('token decoding', () => {
  test('another issuer carries none of GitHub’s job claims', () => {
    expect(githubClaims(decodeTokenClaims(jwt({ ...CALLED_AT_TAG, iss: 'https://accounts.google.com' })))).toBeUndefined();
  });

  test('GitHub claims keep the strings, drop empty ones and numbers', () => {
    const claims = githubClaims(decodeTokenClaims(jwt(CALLED_AT_TAG)))!;
    expect(claims.repository_visibility).toBe('private');
    expect(claims.repository).toBe('octo-org/octo-repo');
    expect(claims.workflow_ref).toBe(CALLED_AT_TAG.workflow_ref);
    expect(claims).not.toHaveProperty('head_ref');
    expect(claims).not.toHaveProperty('exp');
  });

  test('not a JWT is a user error', () => {
    expect(() => decodeTokenClaims('abc')).toThrow(UserError);
    expect(() => decodeTokenClaims('a.bm90IGpzb24.c')).toThrow(/not JSON/);
    expect(() => decodeTokenClaims(`a.${Buffer.from('[1]').toString('base64url')}.c`)).toThrow(/not a JSON object/);
  });
});

describe('the reusable workflow’s own checkout', () => {
  const w = job({});
  test('its own repository at its own commit passes', () => {
    expect(() => confirmSelfCheckout(w, { repository: 'Octo-Org/ship-image', sha: SHA_SHIP, head: `${SHA_SHIP}\n` })).not.toThrow();
  });
  test('another repository, another commit, or a directory at another HEAD fails', () => {
    expect(() => confirmSelfCheckout(w, { repository: 'octo-org/octo-repo', sha: SHA_SHIP })).toThrow(/octo-org\/ship-image/);
    expect(() => confirmSelfCheckout(w, { repository: 'octo-org/ship-image', sha: SHA_CALLER })).toThrow(/job_workflow_sha/);
    expect(() => confirmSelfCheckout(w, { repository: 'octo-org/ship-image', sha: SHA_SHIP, head: SHA_CALLER })).toThrow(/checked-out action directory/);
    expect(() => confirmSelfCheckout(w, { repository: 'octo-org/ship-image', sha: SHA_SHIP, head: '' })).toThrow(/no commit/);
  });
});
