import { silentLogger } from '../core/log';
import type { ShipInputs } from './inputs';
import { provenanceStatement } from '../attest/statements';
import { planShip } from './plan';

const base: ShipInputs = {
  image: 'registry.example:5000/acme/api',
  context: '.',
  builder: 'auto',
  platforms: [],
  buildArgs: {},
  tag: 'v1.2.3',
  extraTags: ['latest'],
  sbomFormat: 'cyclonedx',
  scanner: 'trivy',
  failOn: 'critical',
  ignoreUnfixed: false,
  sign: 'none',
  signatureFormat: 'bundle',
  dbRepositories: [],
  offline: true,
  outputDir: 'out',
  registry: { insecureRegistries: [], caPems: [] },
  sigstore: {},
};
const world = { env: {}, cwd: '/nonexistent-dir', logger: silentLogger };

describe('planShip', () => {
  test('explicit credentials go to the target registry only, never to other registries', async () => {
    const plan = await planShip({ ...base, registry: { ...base.registry, username: 'u', password: 'p' } }, world);
    try {
      expect(plan.registryOptions.username).toBeUndefined();
      expect(plan.registryOptions.credentials).toEqual({ 'registry.example:5000': { username: 'u', password: 'p' } });
      expect(plan.targetCredentials).toEqual({ username: 'u', password: 'p' });
      expect(plan.tags.tags).toEqual(['v1.2.3', 'latest']);
      expect(plan.buildContext).toBeUndefined(); // no commit known: no provenance
    } finally {
      plan.client?.close();
    }
  });

  test('per-host credentials (the workflow token for ghcr.io) reach the target when it is that host', async () => {
    const token = { username: 'actor', password: 'ghs_token' };
    const plan = await planShip({ ...base, image: 'ghcr.io/acme/api', registry: { ...base.registry, hostCredentials: { 'ghcr.io': token } } }, world);
    try {
      expect(plan.registryOptions.credentials).toEqual({ 'ghcr.io': token });
      expect(plan.targetCredentials).toEqual(token);
      expect(plan.buildTarget).toMatchObject({ kind: 'registry', registry: 'ghcr.io', repository: 'acme/api', insecure: false, credentials: token });
    } finally {
      plan.client?.close();
    }
  });

  test('a target with a tag, or a mutable immutable tag, is refused with one line', async () => {
    await expect(planShip({ ...base, image: 'ghcr.io/acme/api:latest' }, world)).rejects.toThrow(/carries a tag; give the repository only/);
    await expect(planShip({ ...base, image: `localhost:5000/acme/api@sha256:${'a'.repeat(64)}` }, world)).rejects.toThrow(/carries a digest; give the repository only/);
    await expect(planShip({ ...base, image: 'api:v1' }, world)).rejects.toThrow(/carries a tag/);
    await expect(planShip({ ...base, image: 'ghcr.io/acme/api', tag: 'latest' }, world)).rejects.toThrow(/cannot be the immutable tag/);
  });

  test('keyless inside a reusable workflow: the plan carries the token claims, the provenance names the called workflow', async () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const claims = {
      iss: 'https://token.actions.githubusercontent.com',
      repository: 'acme/api',
      repository_visibility: 'private',
      sha,
      workflow_ref: 'acme/api/.github/workflows/release.yml@refs/heads/main',
      job_workflow_ref: 'octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3',
      job_workflow_sha: 'f'.repeat(40),
    };
    // A double of the token endpoint: only the claims are read here (Fulcio would check the signature).
    const token = ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'c2ln'].join('.');
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/api',
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_WORKFLOW_REF: 'acme/api/.github/workflows/release.yml@refs/heads/main',
    };
    const plan = await planShip({ ...base, sign: 'keyless' }, { ...world, env, identityToken: async () => token });
    try {
      expect(plan.tokenClaims?.repository_visibility).toBe('private');
      expect(plan.buildContext).toMatchObject({ jobWorkflowRef: claims.job_workflow_ref, jobWorkflowSha: 'f'.repeat(40) });
      const p = provenanceStatement({ name: 'x', digest: `sha256:${'a'.repeat(64)}` }, plan.buildContext!).predicate;
      expect(p.runDetails.builder.id).toBe('https://github.com/octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3');
      expect(p.buildDefinition.resolvedDependencies[1]).toEqual({ uri: 'git+https://github.com/octo-org/ship-image@refs/tags/v1.2.3', digest: { gitCommit: 'f'.repeat(40) } });
    } finally {
      plan.client?.close();
    }
    // Key signing never asks for a token.
    let asked = 0;
    const keyPlan = await planShip({ ...base, sign: 'key' }, { ...world, env, identityToken: async () => (asked++, token) });
    keyPlan.client?.close();
    expect(asked).toBe(0);
    expect(keyPlan.buildContext?.jobWorkflowRef).toBeUndefined();
  });
});
