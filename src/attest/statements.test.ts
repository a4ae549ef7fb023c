import { UserError } from '../core/errors';
import { PREDICATE } from '../oci/media-types';
import {
  buildContextFromEnv,
  GITHUB_WORKFLOW_BUILD_TYPE,
  LOCAL_BUILD_TYPE,
  makeStatement,
  MAX_PREDICATE_BYTES,
  parseStatement,
  provenanceStatement,
  sbomStatement,
  serializeStatement,
  signatureStatement,
  vulnStatement,
  withJobWorkflow,
} from './statements';

const HEX = 'ab'.repeat(32);
const IMAGE = { name: 'ghcr.io/acme/api', digest: `sha256:${HEX}` };

describe('statement envelope', () => {
  test('in-toto v1 with a sha256 subject', () => {
    const s = signatureStatement(IMAGE);
    expect(s).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'ghcr.io/acme/api', digest: { sha256: HEX } }],
      predicateType: PREDICATE.signature,
      predicate: {},
    });
    expect(parseStatement(serializeStatement(s))).toEqual(s);
  });

  test('subject annotations are kept, empty ones dropped', () => {
    expect(signatureStatement({ ...IMAGE, annotations: { env: 'prod' } }).subject[0]?.annotations).toEqual({ env: 'prod' });
    expect(signatureStatement({ ...IMAGE, annotations: {} }).subject[0]).not.toHaveProperty('annotations');
  });

  test('bad digests and names are user errors', () => {
    expect(() => signatureStatement({ ...IMAGE, digest: 'sha256:abc' })).toThrow(UserError);
    expect(() => signatureStatement({ ...IMAGE, digest: `sha512:${HEX}` })).toThrow(/sha256/);
    expect(() => signatureStatement({ ...IMAGE, name: '' })).toThrow(UserError);
    expect(() => makeStatement([], 'x', {})).toThrow(/subject/);
  });

  test('predicates over 16 MiB are refused with the size in the message', () => {
    const big = { blob: 'x'.repeat(MAX_PREDICATE_BYTES) };
    expect(() => makeStatement(IMAGE, 'https://example.com/p', big)).toThrow(/over the 16777216-byte limit/);
  });

  test('parseStatement refuses what is not a v1 statement', () => {
    expect(() => parseStatement('nope')).toThrow(/not JSON/);
    expect(() => parseStatement(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [], predicateType: 'x', predicate: {} }))).toThrow(/in-toto v1/);
  });
});

describe('SBOM', () => {
  test('CycloneDX and SPDX documents become the predicate under their type', () => {
    const cdx = { bomFormat: 'CycloneDX', specVersion: '1.6', components: [] };
    const spdx = { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', packages: [] };
    expect(sbomStatement(IMAGE, cdx)).toMatchObject({ predicateType: 'https://cyclonedx.org/bom', predicate: cdx });
    expect(sbomStatement(IMAGE, spdx)).toMatchObject({ predicateType: 'https://spdx.dev/Document', predicate: spdx });
    expect(() => sbomStatement(IMAGE, { hello: 'world' })).toThrow(UserError);
  });
});

describe('vulnerability scan', () => {
  test('cosign vuln predicate shape with the native report', () => {
    const report = { SchemaVersion: 2, Results: [] };
    const s = vulnStatement(IMAGE, {
      scanner: 'trivy',
      scannerVersion: '0.58.1',
      db: { uri: 'ghcr.io/aquasecurity/trivy-db:2', version: '2' },
      report,
      startedOn: '2026-01-02T03:04:05.678Z',
      finishedOn: new Date('2026-01-02T03:04:09Z'),
    });
    expect(s.predicateType).toBe('https://cosign.sigstore.dev/attestation/vuln/v1');
    expect(s.predicate).toEqual({
      invocation: { parameters: [], uri: '', event_id: '', 'builder.id': '' },
      scanner: { uri: 'pkg:github/aquasecurity/trivy@0.58.1', version: '0.58.1', db: { uri: 'ghcr.io/aquasecurity/trivy-db:2', version: '2' }, result: report },
      metadata: { scanStartedOn: '2026-01-02T03:04:05Z', scanFinishedOn: '2026-01-02T03:04:09Z' },
      // Nothing suppressed, and that is signed too.
      suppressions: {},
    });
  });

  test('grype purl and invocation; bad times are user errors', () => {
    const s = vulnStatement(IMAGE, {
      scanner: 'grype',
      scannerVersion: '0.80.0',
      report: {},
      startedOn: new Date(0),
      finishedOn: new Date(0),
      invocation: { uri: 'https://github.com/acme/api/actions/runs/1', eventId: '1', builderId: 'b', parameters: ['--only-fixed'] },
    });
    expect(s.predicate.scanner.uri).toBe('pkg:github/anchore/grype@0.80.0');
    expect(s.predicate.invocation).toEqual({ parameters: ['--only-fixed'], uri: 'https://github.com/acme/api/actions/runs/1', event_id: '1', 'builder.id': 'b' });
    expect(() => vulnStatement(IMAGE, { scanner: 'trivy', scannerVersion: '1', report: {}, startedOn: 'yesterday', finishedOn: new Date() })).toThrow(UserError);
  });
});

describe('SLSA provenance', () => {
  const env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/api',
    GITHUB_REPOSITORY_ID: '11',
    GITHUB_REPOSITORY_OWNER_ID: '22',
    GITHUB_SHA: 'c'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW_REF: 'acme/api/.github/workflows/ship.yml@refs/heads/main',
    GITHUB_RUN_ID: '99',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_EVENT_NAME: 'push',
    RUNNER_ENVIRONMENT: 'github-hosted',
  };

  test('GitHub workflow build type, as actions/attest-build-provenance writes it', () => {
    const s = provenanceStatement(IMAGE, buildContextFromEnv(env));
    expect(s.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(s.predicate).toEqual({
      buildDefinition: {
        buildType: GITHUB_WORKFLOW_BUILD_TYPE,
        externalParameters: { workflow: { ref: 'refs/heads/main', repository: 'https://github.com/acme/api', path: '.github/workflows/ship.yml' } },
        internalParameters: { github: { event_name: 'push', repository_id: '11', repository_owner_id: '22', runner_environment: 'github-hosted' } },
        resolvedDependencies: [{ uri: 'git+https://github.com/acme/api@refs/heads/main', digest: { gitCommit: 'c'.repeat(40) } }],
      },
      runDetails: {
        builder: { id: 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main' },
        metadata: { invocationId: 'https://github.com/acme/api/actions/runs/99/attempts/2' },
      },
    });
  });

  test('a reusable workflow is the builder when its job_workflow_ref is known', () => {
    const ctx = { ...buildContextFromEnv(env), jobWorkflowRef: 'acme/shared/.github/workflows/build.yml@refs/tags/v1' };
    const s = provenanceStatement(IMAGE, ctx, { startedOn: new Date('2026-01-01T00:00:00Z') });
    expect(s.predicate.runDetails.builder.id).toBe('https://github.com/acme/shared/.github/workflows/build.yml@refs/tags/v1');
    expect(s.predicate.buildDefinition.externalParameters.workflow.path).toBe('.github/workflows/ship.yml');
    expect(s.predicate.runDetails.metadata.startedOn).toBe('2026-01-01T00:00:00.000Z');
  });

  test('signed inside a reusable workflow: builder.id and a resolved dependency name its path@ref and commit', () => {
    const base = buildContextFromEnv(env);
    const ctx = withJobWorkflow(base, {
      repository: base.repository,
      sha: base.commit,
      jobWorkflowRef: 'octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3',
      jobWorkflowSha: 'f'.repeat(40),
    });
    const p = provenanceStatement(IMAGE, ctx).predicate;
    expect(p.runDetails.builder.id).toBe('https://github.com/octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3');
    expect(p.buildDefinition.resolvedDependencies).toEqual([
      { uri: 'git+https://github.com/acme/api@refs/heads/main', digest: { gitCommit: 'c'.repeat(40) } },
      { uri: 'git+https://github.com/octo-org/ship-image@refs/tags/v1.2.3', digest: { gitCommit: 'f'.repeat(40) } },
    ]);
    // The caller's workflow stays the external parameter: it is what the caller chose to run.
    expect(p.buildDefinition.externalParameters.workflow).toEqual({ ref: 'refs/heads/main', repository: 'https://github.com/acme/api', path: '.github/workflows/ship.yml' });
  });

  test('a workflow of the repository itself adds no second dependency; a token of another run changes nothing', () => {
    const base = buildContextFromEnv(env);
    const own = withJobWorkflow(base, { repository: 'ACME/api', sha: base.commit, jobWorkflowRef: 'acme/api/.github/workflows/ship.yml@refs/heads/main', jobWorkflowSha: base.commit });
    expect(provenanceStatement(IMAGE, own).predicate.buildDefinition.resolvedDependencies).toHaveLength(1);
    const job = { jobWorkflowRef: 'evil/x/.github/workflows/x.yml@refs/heads/main', jobWorkflowSha: 'e'.repeat(40) };
    expect(withJobWorkflow(base, { ...job, repository: 'evil/x', sha: base.commit })).toBe(base);
    expect(withJobWorkflow(base, { ...job, repository: base.repository, sha: 'e'.repeat(40) })).toBe(base);
    expect(withJobWorkflow(base, { repository: base.repository, sha: base.commit, jobWorkflowRef: 'not a ref' })).toBe(base);
    const local = buildContextFromEnv({}, { commit: 'd'.repeat(40), repository: 'acme/api' });
    expect(withJobWorkflow(local, { ...job, repository: 'acme/api', sha: 'd'.repeat(40) })).toBe(local);
  });

  test('local runs need the commit from git and get the local build type', () => {
    expect(() => buildContextFromEnv({})).toThrow(UserError);
    expect(() => buildContextFromEnv({}, { commit: 'HEAD' })).toThrow(/commit/);
    const ctx = buildContextFromEnv({}, { commit: 'd'.repeat(40), ref: 'refs/heads/dev', repository: 'acme/api' });
    expect(ctx).toMatchObject({ ci: 'local', repository: 'acme/api', commit: 'd'.repeat(40) });
    const p = provenanceStatement(IMAGE, ctx).predicate;
    expect(p.buildDefinition.buildType).toBe(LOCAL_BUILD_TYPE);
    expect(p.buildDefinition.resolvedDependencies[0]).toEqual({ uri: 'git+https://github.com/acme/api@refs/heads/dev', digest: { gitCommit: 'd'.repeat(40) } });
  });

  test('GITHUB_ACTIONS without the repository is a user error', () => {
    expect(() => buildContextFromEnv({ GITHUB_ACTIONS: 'true' })).toThrow(UserError);
  });
});
