import { silentLogger } from '../core/log';
import type { ShipInputs } from './inputs';
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
});
