import { generateKeyPairSync } from 'node:crypto';
import * as core from '@actions/core';
import { bundleFromJSON } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import {
  buildContextFromEnv,
  sbomStatement,
  signatureStatement,
  provenanceStatement,
  vulnStatement,
  type Statement,
} from '../src/attest/statements';
import { UserError } from '../src/core/errors';
import { PREDICATE } from '../src/oci/media-types';
import { encryptCosignKey, keylessSigner, keySigner, type SerializedBundle } from '../src/sign';
import { BundleVerificationError, verifyBundle } from '../src/verify/bundle';
import { loadTrustedRoot } from '../src/verify/trusted-root';
import { GITHUB_ISSUER, startOidcServer, type OidcServer } from './support/oidc';
import { startSigstoreStack, type SigstoreStack } from './support/sigstore';
import { GITHUB_ENV } from './support/github-env';

const IDENTITY = 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main';
const IMAGE = { name: 'registry.example/acme/api', digest: 'sha256:' + 'ab'.repeat(32) };

function fourStatements(): Statement<object>[] {
  const cyclonedx = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'library', name: 'lodash', version: '4.17.11' }] };
  const trivyReport = {
    SchemaVersion: 2,
    ArtifactName: IMAGE.name,
    Results: [{ Target: 'node_modules', Vulnerabilities: [{ VulnerabilityID: 'CVE-2019-10744', PkgName: 'lodash', InstalledVersion: '4.17.11', FixedVersion: '4.17.12', Severity: 'CRITICAL' }] }],
  };
  return [
    signatureStatement(IMAGE),
    sbomStatement(IMAGE, cyclonedx),
    vulnStatement(IMAGE, {
      scanner: 'trivy',
      scannerVersion: '0.58.1',
      db: { uri: 'ghcr.io/aquasecurity/trivy-db:2', version: '2' },
      report: trivyReport,
      startedOn: new Date(Date.now() - 5000),
      finishedOn: new Date(),
    }),
    provenanceStatement(IMAGE, buildContextFromEnv(GITHUB_ENV)),
  ];
}

function certificateOf(bundle: SerializedBundle): string | undefined {
  return bundle.verificationMaterial.certificate?.rawBytes;
}

describe('signing against a loopback Sigstore', () => {
  let oidc: OidcServer;
  let stack: SigstoreStack;
  let trustedRoot: TrustedRoot;
  const savedEnv = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };
  const tokensSeen: string[] = [];
  const identityToken = async () => {
    const token = await core.getIDToken('sigstore');
    tokensSeen.push(token);
    return token;
  };
  const keylessPolicy = { certificateIssuer: GITHUB_ISSUER, subjectAlternativeName: IDENTITY };
  let stdoutSpy: jest.SpyInstance;

  beforeAll(async () => {
    // @actions/core announces the token mask on stdout; keep the test output quiet.
    stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    oidc = await startOidcServer();
    stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
    trustedRoot = loadTrustedRoot({ kind: 'file', path: stack.trustedRootPath });
  });

  afterAll(async () => {
    stdoutSpy.mockRestore();
    const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
    restore('ACTIONS_ID_TOKEN_REQUEST_URL', savedEnv.url);
    restore('ACTIONS_ID_TOKEN_REQUEST_TOKEN', savedEnv.token);
    await stack?.stop();
    await oidc?.stop();
  });

  describe('keyless, Rekor intoto entries and TSA timestamps', () => {
    let bundles: SerializedBundle[];
    let certificatesBefore: number;
    let tokensBefore: number;

    beforeAll(async () => {
      certificatesBefore = stack.certificatesIssued();
      tokensBefore = oidc.issued();
      const signer = keylessSigner({ fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL, identityToken, rekorEntryType: 'intoto' });
      bundles = [];
      for (const statement of fourStatements()) bundles.push(await signer.signStatement(statement));
      expect(signer.identity).toBe(IDENTITY);
      expect(signer.certificatesIssued).toBe(1);
    });

    test('every bundle verifies with @sigstore/verify against the stack trusted root', () => {
      const verifier = new Verifier(toTrustMaterial(trustedRoot));
      for (const bundle of bundles) {
        const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundle)));
        expect(signer.identity?.subjectAlternativeName).toBe(IDENTITY);
        expect(signer.identity?.extensions?.issuer).toBe(GITHUB_ISSUER);
      }
    });

    test('verifyBundle returns the statement, the GitHub identity and the signing time', () => {
      const types = bundles.map((bundle) => {
        expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
        expect(bundle.dsseEnvelope?.payloadType).toBe('application/vnd.in-toto+json');
        expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
        expect(bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind).toBe('intoto');
        expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
        const verified = verifyBundle(bundle, { trustedRoot, policy: keylessPolicy });
        expect(verified.signer.subjectAlternativeName).toBe(IDENTITY);
        expect(verified.signer.issuer).toBe(GITHUB_ISSUER);
        expect(verified.signer.extensions).toMatchObject({
          buildSignerURI: IDENTITY,
          sourceRepositoryURI: 'https://github.com/acme/api',
          sourceRepositoryRef: 'refs/heads/main',
          runnerEnvironment: 'github-hosted',
          runInvocationURI: 'https://github.com/acme/api/actions/runs/4242/attempts/1',
          githubWorkflowRepository: 'acme/api',
        });
        expect(verified.timestamps.map((t) => t.source).sort()).toEqual(['timestamp-authority', 'transparency-log']);
        expect(Math.abs((verified.signedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(120_000);
        expect(verified.statement.subject).toEqual([{ name: IMAGE.name, digest: { sha256: 'ab'.repeat(32) } }]);
        return verified.statement.predicateType;
      });
      expect(types).toEqual([PREDICATE.signature, PREDICATE.cyclonedx, PREDICATE.vuln, PREDICATE.slsaProvenance]);
    });

    test('one certificate (and one token) is shared by the four signatures', () => {
      const certificates = new Set(bundles.map(certificateOf));
      expect(certificates.size).toBe(1);
      expect([...certificates][0]).toBeTruthy();
      expect(stack.certificatesIssued() - certificatesBefore).toBe(1);
      expect(oidc.issued() - tokensBefore).toBe(1);
    });

    test('the identity token appears in no bundle', () => {
      const text = JSON.stringify(bundles);
      expect(tokensSeen.length).toBeGreaterThan(0);
      for (const token of tokensSeen) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.split('.')[2]);
      }
    });

    test('a different expected identity or issuer fails', () => {
      const bundle = bundles[0] as SerializedBundle;
      expect(() => verifyBundle(bundle, { trustedRoot, policy: { subjectAlternativeName: IDENTITY.replace('ship.yml', 'other.yml') } })).toThrow(BundleVerificationError);
      expect(() => verifyBundle(bundle, { trustedRoot, policy: { subjectAlternativeName: 'https://github.com/acme/api' } })).toThrow(/expected/);
      expect(() => verifyBundle(bundle, { trustedRoot, policy: { certificateIssuer: 'https://accounts.google.com' } })).toThrow(/issuer/);
      expect(verifyBundle(bundle, { trustedRoot, policy: { subjectAlternativeName: /^https:\/\/github\.com\/acme\/api\/\.github\/workflows\/ship\.yml@/ } }).signer.subjectAlternativeName).toBe(IDENTITY);
      expect(() => verifyBundle(bundle, { trustedRoot, policy: { subjectAlternativeName: /^https:\/\/github\.com\/evil\// } })).toThrow(BundleVerificationError);
    });

    test('a tampered payload fails', () => {
      const bundle = structuredClone(bundles[1]) as SerializedBundle;
      const envelope = bundle.dsseEnvelope as NonNullable<SerializedBundle['dsseEnvelope']>;
      const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement<object>;
      (statement.subject[0] as { digest: { sha256: string } }).digest.sha256 = 'cd'.repeat(32);
      envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
      expect(() => verifyBundle(bundle, { trustedRoot, policy: keylessPolicy })).toThrow(BundleVerificationError);
    });

    test('a bundle from a root we do not trust fails', () => {
      const publicGood = loadTrustedRoot({ kind: 'public-good' });
      expect(() => verifyBundle(bundles[0], { trustedRoot: publicGood, policy: keylessPolicy })).toThrow(BundleVerificationError);
    });
  });

  test('keyless with dsse Rekor entries (the default), signing concurrently, still one certificate', async () => {
    const before = stack.certificatesIssued();
    const signer = keylessSigner({ fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, identityToken });
    const bundles = await Promise.all(fourStatements().map((s) => signer.signStatement(s)));
    expect(stack.certificatesIssued() - before).toBe(1);
    expect(new Set(bundles.map(certificateOf)).size).toBe(1);
    for (const bundle of bundles) {
      expect(bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind).toBe('dsse');
      expect(verifyBundle(bundle, { trustedRoot, policy: keylessPolicy }).signer.subjectAlternativeName).toBe(IDENTITY);
    }
  });

  test('keyless with a timestamp authority only (GitHub private instance shape) verifies without a log', async () => {
    const signer = keylessSigner({ fulcioURL: stack.fulcioURL, tsaURL: stack.tsaURL, identityToken });
    const bundle = await signer.signStatement(signatureStatement(IMAGE));
    expect(bundle.verificationMaterial.tlogEntries ?? []).toHaveLength(0);
    const rootWithoutLogs = loadTrustedRoot({ kind: 'json', json: { ...stack.trustedRoot, tlogs: [] } });
    const verified = verifyBundle(bundle, { trustedRoot: rootWithoutLogs, policy: keylessPolicy });
    expect(verified.timestamps.map((t) => t.source)).toEqual(['timestamp-authority']);
  });

  test('Fulcio refuses a token it cannot verify, and the error does not carry the token', async () => {
    const forged = ['eyJhbGciOiJSUzI1NiJ9', Buffer.from(JSON.stringify({ iss: GITHUB_ISSUER, sub: 'x', aud: 'sigstore', exp: 9999999999, job_workflow_ref: 'evil/repo/.github/workflows/x.yml@refs/heads/main' })).toString('base64url'), 'c2ln'].join('.');
    const signer = keylessSigner({ fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, identityToken: async () => forged });
    const failure = await signer.signStatement(signatureStatement(IMAGE)).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).toMatch(/Fulcio refused/);
    expect(failure?.message).not.toContain(forged);
  });

  describe('key-based', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8Pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const publicKeyPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();

    test('a PKCS#8 key signs all four statements; bundles carry a publicKey hint and verify with the key', async () => {
      const signer = keySigner({ keyPem: pkcs8Pem });
      expect(signer.identity).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(signer.publicKeyPem).toBe(publicKeyPem);
      for (const statement of fourStatements()) {
        const bundle = await signer.signStatement(statement);
        expect(bundle.verificationMaterial.publicKey?.hint).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        expect(bundle.verificationMaterial.certificate).toBeUndefined();
        const verified = verifyBundle(bundle, { trustedRoot, policy: { publicKeyPem } });
        expect(verified.signer.kind).toBe('public-key');
        expect(verified.signer.keyFingerprint).toBe(signer.identity);
        expect(verified.statement.predicateType).toBe(statement.predicateType);
        expect(verified.signedAt).toBeUndefined();
      }
    });

    test('another key, or a keyless policy, does not verify a key bundle', async () => {
      const bundle = await keySigner({ keyPem: pkcs8Pem }).signStatement(signatureStatement(IMAGE));
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
      expect(() => verifyBundle(bundle, { trustedRoot, policy: { publicKeyPem: otherKey } })).toThrow(BundleVerificationError);
      expect(() => verifyBundle(bundle, { trustedRoot, policy: keylessPolicy })).toThrow(/signed with a key/);
    });

    test('a key signature can be witnessed by Rekor and the TSA', async () => {
      const signer = keySigner({ keyPem: pkcs8Pem, rekorURL: stack.rekorURL, rekorEntryType: 'intoto', tsaURL: stack.tsaURL });
      const bundle = await signer.signStatement(signatureStatement(IMAGE));
      const verified = verifyBundle(bundle, { trustedRoot, policy: { publicKeyPem } });
      expect(verified.timestamps).toHaveLength(2);
      expect(verified.signedAt).toBeInstanceOf(Date);
    });

    test("a cosign-encrypted key signs with the right password and refuses a wrong one", async () => {
      const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      const encrypted = encryptCosignKey(der, 'correct horse battery staple');
      expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
      const encryptedSigner = keySigner({ keyPem: encrypted, password: 'correct horse battery staple' });
      expect(encryptedSigner.publicKeyPem).toBe(publicKeyPem);
      const bundle = await encryptedSigner.signStatement(signatureStatement(IMAGE));
      expect(verifyBundle(bundle, { trustedRoot, policy: { publicKeyPem } }).signer.kind).toBe('public-key');
      expect(() => keySigner({ keyPem: encrypted, password: 'wrong' })).toThrow(UserError);
      expect(() => keySigner({ keyPem: encrypted, password: 'wrong' })).toThrow(/wrong password/);
    });

    test('the password comes from COSIGN_PASSWORD when not given', () => {
      const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      const encrypted = encryptCosignKey(der, 'from-env', { pemType: 'ENCRYPTED COSIGN PRIVATE KEY' });
      const saved = process.env.COSIGN_PASSWORD;
      process.env.COSIGN_PASSWORD = 'from-env';
      try {
        expect(keySigner({ keyPem: encrypted }).identity).toMatch(/^sha256:/);
      } finally {
        if (saved === undefined) delete process.env.COSIGN_PASSWORD;
        else process.env.COSIGN_PASSWORD = saved;
      }
    });
  });
});
