import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '../src/core/errors';
import { main } from '../src/cli/main';
import { discover } from '../src/discover/tree';
import { ANNOTATION, PREDICATE, SIGSTORE_BUNDLE_V03 } from '../src/oci/media-types';
import { OciLayoutStore } from '../src/oci/layout';
import { listReferrers } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import { identityTokenSource } from '../src/ship/identity-token';
import { gate, ship, type ShipResult } from '../src/ship/run';
import type { SerializedBundle } from '../src/sign';
import { verifyBundle } from '../src/verify/bundle';
import { loadTrustedRoot } from '../src/verify/trusted-root';
import { buildahUnavailableReason } from './support/buildah';
import { GITHUB_ISSUER, startOidcServer, type OidcServer } from './support/oidc';
import { startRegistry, type TestRegistry } from './support/registry';
import { fixtureInputs, GITHUB_ENV, makeShipFixture, world, type ShipFixture } from './support/ship-env';
import { startSigstoreStack, type SigstoreStack } from './support/sigstore';

const IDENTITY = 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main';
const PREDICATE_OF: Record<string, string> = {
  signature: PREDICATE.signature,
  sbom: PREDICATE.cyclonedx,
  vulnerabilities: PREDICATE.vuln,
  provenance: PREDICATE.slsaProvenance,
};

function readBundle(file: string): SerializedBundle {
  return JSON.parse(readFileSync(file, 'utf8')) as SerializedBundle;
}

describe('ship: source to signed, scanned, attested image', () => {
  let fx: ShipFixture;
  let registry: TestRegistry;
  let oidc: OidcServer;
  let stack: SigstoreStack;
  let stdoutSpy: jest.SpyInstance;
  const keylessEnv = () => ({ ...GITHUB_ENV, ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken });
  const keyless = () => ({ fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL });
  // The token source the shells use: here the GitHub Actions token endpoint, served by the loopback OIDC server.
  const identityToken = () => {
    const source = identityTokenSource(keylessEnv());
    if (!source) throw new Error('identityTokenSource found no token endpoint in keylessEnv()');
    return source();
  };

  beforeAll(async () => {
    stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true); // getIDToken's ::add-mask::
    fx = await makeShipFixture();
    registry = await startRegistry('open', { deleteEnabled: true });
    oidc = await startOidcServer();
    stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
  });

  afterAll(async () => {
    stdoutSpy.mockRestore();
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    await registry?.stop();
    await stack?.stop();
    await oidc?.stop();
    fx?.cleanup();
  });

  describe('keyless to a real registry', () => {
    let first: ShipResult;
    let second: ShipResult;
    let certificatesPerShip: number[];
    const image = () => `${registry.host}/acme/api`;

    beforeAll(async () => {
      const inputs = () => fixtureInputs(fx, { image: image(), sign: 'keyless', extraTags: ['latest'], sigstore: keyless() });
      const before = stack.certificatesIssued();
      first = await ship(inputs(), world(keylessEnv(), { identityToken }));
      const between = stack.certificatesIssued();
      second = await ship(inputs(), world(keylessEnv(), { identityToken }));
      certificatesPerShip = [between - before, stack.certificatesIssued() - between];
    });

    test('one Fulcio certificate per ship, though its four statements are signed side by side', () => {
      expect(certificatesPerShip).toEqual([1, 1]);
    });

    test('outputs carry exactly the documented keys, the SHA tag and the digest the registry serves', async () => {
      const o = first.outputs;
      expect(Object.keys(o).sort()).toEqual(['bundles', 'digest', 'image', 'platforms', 'referrers', 'tag', 'verify', 'vulnerabilities']);
      expect(o.tag).toBe(GITHUB_ENV.GITHUB_SHA);
      const client = new RegistryClient();
      try {
        const repo = client.repository(registry.host, 'acme/api');
        expect((await repo.resolve(o.tag)).digest).toBe(o.digest);
        expect((await repo.resolve('latest')).digest).toBe(o.digest);
      } finally {
        client.close();
      }
      expect(Object.keys(o.referrers).sort()).toEqual(['provenance', 'sbom', 'signature', 'vulnerabilities']);
      expect(o.vulnerabilities.critical).toBeGreaterThan(0);
      expect(o.verify.cosign).toContain(`--certificate-identity ${IDENTITY}`);
      expect(o.verify.gh).toContain('--repo acme/api');
      // The loopback stack timestamps and logs: nothing tells cosign to skip the log.
      expect(o.verify.cosign).toContain('--use-signed-timestamps');
      expect(o.verify.cosign).not.toContain('--insecure-ignore-tlog');
    });

    test('every bundle verifies against the local Sigstore root, and its subject is the shipped digest', () => {
      const trustedRoot = loadTrustedRoot({ kind: 'file', path: stack.trustedRootPath });
      for (const result of [first, second]) {
        expect(result.outputs.bundles).toHaveLength(4);
        for (const file of result.outputs.bundles) {
          const verified = verifyBundle(readBundle(file), { trustedRoot, policy: { certificateIssuer: GITHUB_ISSUER, subjectAlternativeName: IDENTITY } });
          expect(verified.statement.subject.map((s) => `sha256:${s.digest.sha256}`)).toEqual([result.outputs.digest]);
          const kind = path.basename(file).replace('.sigstore.json', '');
          expect(verified.statement.predicateType).toBe(PREDICATE_OF[kind]);
        }
      }
    });

    test('the referrers sit in the fallback index as REFERENCE §1a lays them out; a second ship keeps one scan', async () => {
      expect(second.outputs.digest).toBe(first.outputs.digest);
      const client = new RegistryClient();
      try {
        const repo = client.repository(registry.host, 'acme/api');
        const referrers = await listReferrers(repo, first.outputs.digest);
        const byType = (t: string) => referrers.filter((r) => r.annotations?.[ANNOTATION.bundlePredicateType] === t);
        expect(referrers.every((r) => r.artifactType === SIGSTORE_BUNDLE_V03)).toBe(true);
        // Two ships of one digest by one signer: the second reuses the signature, SBOM and provenance
        // it finds already attached (identical statements), and supersedes the older scan.
        expect(byType(PREDICATE.signature).map((r) => r.digest)).toEqual([first.outputs.referrers.signature]);
        expect(byType(PREDICATE.cyclonedx)).toHaveLength(1);
        expect(byType(PREDICATE.slsaProvenance)).toHaveLength(1);
        expect(second.outputs.referrers.signature).toBe(first.outputs.referrers.signature);
        expect(byType(PREDICATE.vuln).map((r) => r.digest)).toEqual([second.outputs.referrers.vulnerabilities]);
        const manifest = await repo.getManifest(second.outputs.referrers.signature as string);
        expect(manifest.manifest).toMatchObject({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: SIGSTORE_BUNDLE_V03,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
          layers: [{ mediaType: SIGSTORE_BUNDLE_V03 }],
          subject: { digest: first.outputs.digest },
          annotations: { [ANNOTATION.bundleContent]: 'dsse-envelope', [ANNOTATION.bundlePredicateType]: PREDICATE.signature },
        });
      } finally {
        client.close();
      }
    });

    test('the fail-on gate fails after everything is attested', () => {
      expect(() => gate({ ...first, offenders: first.vulnerabilities.filter((v) => v.severity === 'CRITICAL') }, 'critical')).toThrow(/at or above critical: CVE-/);
      expect(() => gate(first, 'none')).not.toThrow();
    });
  });

  test('inside a reusable workflow of another repository: certificate, provenance and verify lines name it', async () => {
    const jobWorkflowRef = 'octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3';
    const jobWorkflowSha = 'fedcba9876543210fedcba9876543210fedcba98';
    oidc.setClaims({ job_workflow_ref: jobWorkflowRef, job_workflow_sha: jobWorkflowSha });
    try {
      const inputs = fixtureInputs(fx, { image: `${registry.host}/acme/reusable`, sign: 'keyless', sigstore: keyless() });
      const result = await ship(inputs, world(keylessEnv(), { identityToken }));
      const san = `https://github.com/${jobWorkflowRef}`;
      const trustedRoot = loadTrustedRoot({ kind: 'file', path: stack.trustedRootPath });
      const provenanceFile = result.outputs.bundles.find((f) => path.basename(f) === 'provenance.sigstore.json') as string;
      const verified = verifyBundle(readBundle(provenanceFile), { trustedRoot, policy: { certificateIssuer: GITHUB_ISSUER, subjectAlternativeName: san } });
      const predicate = verified.statement.predicate as { runDetails: { builder: { id: string } }; buildDefinition: { resolvedDependencies: unknown[] } };
      // builder.id is the certificate's SAN, and the reusable workflow's commit is a resolved dependency.
      expect(predicate.runDetails.builder.id).toBe(san);
      expect(predicate.buildDefinition.resolvedDependencies).toEqual([
        { uri: `git+https://github.com/acme/api@${GITHUB_ENV.GITHUB_REF}`, digest: { gitCommit: GITHUB_ENV.GITHUB_SHA } },
        { uri: 'git+https://github.com/octo-org/ship-image@refs/tags/v1.2.3', digest: { gitCommit: jobWorkflowSha } },
      ]);
      expect(result.outputs.verify.cosign).toContain(`--certificate-identity ${san}`);
      expect(result.outputs.verify.gh).toContain('--repo acme/api --signer-workflow octo-org/ship-image/.github/workflows/ship.yml');
    } finally {
      oidc.setClaims({});
    }
  });

  test('key signing into an OCI layout; discover lists the four referrers', async () => {
    const keyDir = mkdtempSync(path.join(tmpdir(), 'ship-image-key-'));
    try {
      const { generateKeyPairSync } = await import('node:crypto');
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const keyFile = path.join(keyDir, 'cosign.key');
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const layout = path.join(keyDir, 'target');
      // Run outside any git checkout: with --tag and no commit to point at, no provenance is attested.
      const result = await ship(fixtureInputs(fx, { image: `oci-layout:${layout}`, sign: 'key', keyFile, tag: 'v1.0.0' }), world({}, { cwd: keyDir }));
      const tree = await discover(new OciLayoutStore(layout), 'v1.0.0');
      expect(tree.digest).toBe(result.outputs.digest);
      expect(tree.referrers.map((c) => c.predicateType).sort()).toEqual([PREDICATE.cyclonedx, PREDICATE.vuln, PREDICATE.signature].sort());
      const publicKeyPem = readFileSync(path.join(path.dirname(result.outputs.bundles[0]!), '..', 'cosign.pub'), 'utf8');
      const trustedRoot = loadTrustedRoot({ kind: 'file', path: stack.trustedRootPath });
      for (const file of result.outputs.bundles) verifyBundle(readBundle(file), { trustedRoot, policy: { publicKeyPem } });
      expect(result.outputs.referrers.provenance).toBeUndefined();
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  test('with authentication over TLS (htpasswd)', async () => {
    const secure = await startRegistry('htpasswd-tls');
    try {
      const inputs = fixtureInputs(fx, {
        image: `${secure.host}/team/app`,
        registry: { username: secure.username, password: secure.password, insecureRegistries: [], caPems: [secure.caPem as string] },
        sign: 'keyless',
        sigstore: keyless(),
      });
      const result = await ship(inputs, world(keylessEnv(), { identityToken }));
      expect(result.outputs.referrers.signature).toMatch(/^sha256:/);
      const client = new RegistryClient({ username: secure.username, password: secure.password, caPems: [secure.caPem as string] });
      try {
        const referrers = await listReferrers(client.repository(secure.host, 'team/app'), result.outputs.digest);
        expect(referrers).toHaveLength(4);
      } finally {
        client.close();
      }
    } finally {
      await secure.stop();
    }
  });

  test('a failing signer leaves nothing a verifier would accept: no token, nothing pushed', async () => {
    const inputs = fixtureInputs(fx, { image: `${registry.host}/acme/nosign`, sign: 'keyless', sigstore: keyless() });
    await expect(ship(inputs, world(GITHUB_ENV))).rejects.toThrow(UserError);
    const client = new RegistryClient();
    try {
      expect(await client.repository(registry.host, 'acme/nosign').listTags()).toEqual([]);
    } finally {
      client.close();
    }
  });

  test('a failure after the push (no vulnerability DB) attaches no referrer', async () => {
    const inputs = fixtureInputs(fx, { image: `${registry.host}/acme/nodb`, sign: 'keyless', sigstore: keyless(), trivyCache: path.join(fx.dir, 'empty-cache') });
    await expect(ship(inputs, world(keylessEnv(), { identityToken }))).rejects.toThrow(/fixture-db/);
    const client = new RegistryClient();
    try {
      const repo = client.repository(registry.host, 'acme/nodb');
      const tags = await repo.listTags();
      for (const tag of tags) expect(tag).not.toMatch(/^sha256-/);
    } finally {
      client.close();
    }
  });

  describe('CLI', () => {
    let out: string;
    let err: string;
    let errSpy: jest.SpyInstance;
    beforeEach(() => {
      out = '';
      err = '';
      stdoutSpy.mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
      errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
    });
    afterEach(() => {
      stdoutSpy.mockImplementation(() => true);
      errSpy.mockRestore();
    });

    test('--help prints the usage and runs nothing, whatever else is given', async () => {
      expect(await main(['ship', '--help', '--fail-on', 'severe'])).toBe(0);
      expect(out).toMatch(/^ship-image ship --image REPO /);
      expect(err).toBe('');
    });

    test('bad input: one line, exit 2, no stack', async () => {
      expect(await main(['ship', '--image', `${registry.host}/acme/api:latest`])).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/carries a tag/);
      err = '';
      expect(await main(['ship', '--image', 'x/y', '--fail-on', 'severe'])).toBe(2);
      expect(err).toMatch(/fail-on 'severe' is not one of/);
    });

    test('--json prints the outputs; fail-on critical exits 1 after pushing', async () => {
      const code = await main([
        'ship', '--image', `${registry.host}/acme/cli`, '--from', `oci-layout:${fx.sourceLayout}:latest`, '--tag', 'build-1',
        '--sign', 'none', '--trivy-cache', fx.trivyCache, '--offline', '--json', '--fail-on', 'critical', '--output-dir', path.join(fx.dir, 'cli-out'),
      ]);
      expect(code).toBe(1);
      const outputs = JSON.parse(out) as { tag: string; digest: string };
      expect(outputs.tag).toBe('build-1');
      expect(err).toMatch(/at or above critical/);
    });
  });
});

describe('ship: a real build with buildah', () => {
  const reason = buildahUnavailableReason();
  const maybe = reason ? test.skip : test;
  let fx: ShipFixture;
  let registry: TestRegistry;
  let context: string;

  beforeAll(async () => {
    if (reason) return;
    fx = await makeShipFixture();
    registry = await startRegistry('open');
    context = mkdtempSync(path.join(tmpdir(), 'ship-image-ctx-'));
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    writeFileSync(path.join(context, 'hello.txt'), 'hello\n');
  });
  afterAll(async () => {
    await registry?.stop();
    fx?.cleanup();
    if (context) rmSync(context, { recursive: true, force: true });
  });

  maybe('builds FROM scratch, pushes under the SHA tag, and attests', async () => {
    const env = GITHUB_ENV;
    const inputs = fixtureInputs(fx, { image: `${registry.host}/acme/built`, from: undefined, context, builder: 'buildah', sign: 'none' });
    const result = await ship(inputs, world(env));
    expect(result.outputs.tag).toBe(GITHUB_ENV.GITHUB_SHA);
    const client = new RegistryClient();
    try {
      expect((await client.repository(registry.host, 'acme/built').resolve(result.outputs.tag)).digest).toBe(result.outputs.digest);
    } finally {
      client.close();
    }
  });
});
