import * as core from '@actions/core';
import { createHash, createPublicKey, generateKeyPairSync, verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../src/core/log';
import { writeFixtureImageLayout } from '../src/fixture-db/fixture-image';
import { readLegacyCosign, type LegacyCosignEntry } from '../src/oci/legacy-cosign';
import { ANNOTATION, COSIGN_SIMPLESIGNING, DSSE_ENVELOPE, IN_TOTO_PAYLOAD_TYPE, PREDICATE } from '../src/oci/media-types';
import { listReferrers } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import type { RepositoryStore } from '../src/oci/store';
import type { ShipInputs } from '../src/ship/inputs';
import type { ShipEnvironment } from '../src/ship/plan';
import { ship, type ShipResult } from '../src/ship/run';
import type { SerializedBundle } from '../src/sign';
import { startOidcServer, type OidcServer } from './support/oidc';
import { startRegistry, type TestRegistry } from './support/registry';
import { startSigstoreStack, type SigstoreStack } from './support/sigstore';
import { prepareFixtureDb } from './support/trivy';
import { GITHUB_ENV } from './support/github-env';
import { offlineShipInputs } from './support/ship-env';

const IDENTITY = 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main';
const ATTESTED_TYPES = [PREDICATE.cyclonedx, PREDICATE.vuln, PREDICATE.slsaProvenance].sort();

interface Shipped {
  result: ShipResult;
  image: string;
  store: RepositoryStore;
  sig: LegacyCosignEntry[];
  att: LegacyCosignEntry[];
}

/** DSSE pre-authentication encoding: what the envelope signature is over. */
function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

/** Canonical JSON of a flat object (keys sorted), as Rekor signs its entry timestamp. */
function canonicalFlat(obj: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

describe('signature-format legacy and both: cosign .sig/.att tags', () => {
  let dir: string;
  let sourceLayout: string;
  let trivyCache: string;
  let registry: TestRegistry;
  let oidc: OidcServer;
  let stack: SigstoreStack;
  let client: RegistryClient;
  let rekorKey: KeyObject;
  let stdoutSpy: jest.SpyInstance;
  const identityToken = () => core.getIDToken('sigstore');

  function inputs(image: string, overrides: Partial<ShipInputs>): ShipInputs {
    return offlineShipInputs({
      image,
      from: `oci-layout:${sourceLayout}:latest`,
      tag: 'v1',
      sign: 'keyless',
      signatureFormat: 'both',
      trivyCache,
      outputDir: path.join(dir, 'out-' + image.replace(/[^a-z0-9]+/gi, '-')),
      registry: { insecureRegistries: [registry.host], caPems: [] },
      sigstore: { fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL },
      ...overrides,
    });
  }


  function world(): ShipEnvironment {
    return { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...GITHUB_ENV }, cwd: dir, logger: silentLogger, identityToken };
  }

  async function shipTo(repository: string, overrides: Partial<ShipInputs>): Promise<Shipped> {
    const image = `${registry.host}/${repository}`;
    const result = await ship(inputs(image, overrides), world());
    const store = client.repository(registry.host, repository);
    const entries = await readLegacyCosign(store, result.outputs.digest, ['sig', 'att']);
    return { result, image, store, sig: entries.filter((e) => e.kind === 'sig'), att: entries.filter((e) => e.kind === 'att') };
  }

  beforeAll(async () => {
    stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true); // getIDToken's ::add-mask::
    dir = mkdtempSync(path.join(tmpdir(), 'ship-image-legacy-'));
    sourceLayout = path.join(dir, 'source');
    trivyCache = path.join(dir, 'trivy-cache');
    await writeFixtureImageLayout(sourceLayout, 'latest');
    await prepareFixtureDb(trivyCache);
    registry = await startRegistry('open');
    oidc = await startOidcServer();
    stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
    client = new RegistryClient({ insecureRegistries: [registry.host] });
    const tlog = stack.trustedRoot.tlogs[0];
    rekorKey = createPublicKey({ key: Buffer.from(tlog!.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' });
  });

  afterAll(async () => {
    stdoutSpy?.mockRestore();
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    client?.close();
    await registry?.stop();
    await stack?.stop();
    await oidc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The SET annotation: Rekor's signature over the entry verifies, and the entry is of `kind`. */
  function checkRekorSet(annotation: string | undefined, kind: string): { body: Record<string, unknown>; logIndex: number } {
    expect(annotation).toBeDefined();
    const set = JSON.parse(annotation as string) as { SignedEntryTimestamp: string; Payload: { body: string; integratedTime: number; logIndex: number; logID: string } };
    expect(Object.keys(set.Payload).sort()).toEqual(['body', 'integratedTime', 'logID', 'logIndex']);
    expect(typeof set.Payload.integratedTime).toBe('number');
    expect(typeof set.Payload.logIndex).toBe('number');
    expect(set.Payload.logID).toMatch(/^[0-9a-f]{64}$/);
    expect(set.Payload.logID).toBe(createHash('sha256').update(rekorKey.export({ format: 'der', type: 'spki' })).digest('hex'));
    expect(Math.abs(set.Payload.integratedTime * 1000 - Date.now())).toBeLessThan(300_000);
    expect(cryptoVerify('sha256', Buffer.from(canonicalFlat(set.Payload)), rekorKey, Buffer.from(set.SignedEntryTimestamp, 'base64'))).toBe(true);
    const body = JSON.parse(Buffer.from(set.Payload.body, 'base64').toString('utf8')) as Record<string, unknown>;
    expect(body.kind).toBe(kind);
    return { body, logIndex: set.Payload.logIndex };
  }

  describe('keyless, both', () => {
    let shipped: Shipped;
    beforeAll(async () => {
      shipped = await shipTo('acme/both', { signatureFormat: 'both' });
    }, 120_000);

    test('referrers are pushed as well as the tags', async () => {
      const { outputs } = shipped.result;
      expect(Object.keys(outputs.referrers).sort()).toEqual(['provenance', 'sbom', 'signature', 'vulnerabilities']);
      expect(await listReferrers(shipped.store, outputs.digest)).toHaveLength(4);
      const tags = await shipped.store.listTags();
      const hex = outputs.digest.slice('sha256:'.length);
      expect(tags).toEqual(expect.arrayContaining([`sha256-${hex}.sig`, `sha256-${hex}.att`, 'v1']));
    });

    test('.sig: one simple-signing layer whose signature verifies with the certificate over the payload', async () => {
      const { outputs } = shipped.result;
      expect(shipped.sig).toHaveLength(1);
      const layer = shipped.sig[0]!;
      expect(layer.mediaType).toBe(COSIGN_SIMPLESIGNING);
      const payload = await shipped.store.getBlob(layer);
      const parsed = JSON.parse(payload.toString('utf8')) as { critical: { identity: { 'docker-reference': string }; image: { 'docker-manifest-digest': string }; type: string } };
      expect(parsed.critical.image['docker-manifest-digest']).toBe(outputs.digest);
      expect(parsed.critical.identity['docker-reference']).toBe(shipped.image);
      expect(parsed.critical.type).toBe('cosign container image signature');

      const certPem = layer.annotations[ANNOTATION.cosignCertificate];
      const cert = new X509Certificate(certPem as string);
      expect(cert.subjectAltName).toContain(IDENTITY);
      const signature = Buffer.from(layer.annotations[ANNOTATION.cosignSignature] as string, 'base64');
      expect(cryptoVerify('sha256', payload, cert.publicKey, signature)).toBe(true);
      expect(cryptoVerify('sha256', Buffer.concat([payload, Buffer.from(' ')]), cert.publicKey, signature)).toBe(false);

      // The chain is Fulcio's: the root that issued the leaf.
      const chain = layer.annotations[ANNOTATION.cosignChain] as string;
      const root = new X509Certificate(chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]);
      expect(cert.checkIssued(root)).toBe(true);
      expect(cert.verify(root.publicKey)).toBe(true);

      // The SET is for a hashedrekord entry of exactly this signature over exactly this payload.
      const { body } = checkRekorSet(layer.annotations[ANNOTATION.cosignBundle], 'hashedrekord');
      const spec = body.spec as { data: { hash: { algorithm: string; value: string } }; signature: { content: string } };
      expect(spec.data.hash).toEqual({ algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') });
      expect(Buffer.from(spec.signature.content, 'base64').equals(signature)).toBe(true);
    });

    test('.sig uses the same certificate as the DSSE bundles', () => {
      const certPem = shipped.sig[0]!.annotations[ANNOTATION.cosignCertificate] as string;
      const der = new X509Certificate(certPem).raw.toString('base64');
      for (const file of shipped.result.outputs.bundles) {
        const bundle = JSON.parse(readFileSync(file, 'utf8')) as SerializedBundle;
        expect(bundle.verificationMaterial.certificate?.rawBytes).toBe(der);
      }
    });

    test('.att: one DSSE envelope per attestation, statements about the shipped digest, signed by the certificate', async () => {
      const { outputs } = shipped.result;
      expect(shipped.att.map((a) => a.predicateType).sort()).toEqual(ATTESTED_TYPES);
      for (const layer of shipped.att) {
        expect(layer.mediaType).toBe(DSSE_ENVELOPE);
        expect(layer.annotations[ANNOTATION.cosignSignature]).toBe('');
        const layerBytes = await shipped.store.getBlob(layer);
        const envelope = JSON.parse(layerBytes.toString('utf8')) as { payloadType: string; payload: string; signatures: { keyid?: string; sig: string }[] };
        expect(envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
        expect(envelope.signatures).toHaveLength(1);
        expect(envelope.signatures[0]!.keyid ?? '').toBe('');
        const payload = Buffer.from(envelope.payload, 'base64');
        const statement = JSON.parse(payload.toString('utf8')) as { subject: { name: string; digest: { sha256: string } }[]; predicateType: string };
        expect(statement.subject).toEqual([{ name: shipped.image, digest: { sha256: outputs.digest.slice('sha256:'.length) } }]);
        expect(statement.predicateType).toBe(layer.predicateType);

        const cert = new X509Certificate(layer.annotations[ANNOTATION.cosignCertificate] as string);
        expect(cert.subjectAltName).toContain(IDENTITY);
        expect(cryptoVerify('sha256', pae(envelope.payloadType, payload), cert.publicKey, Buffer.from(envelope.signatures[0]!.sig, 'base64'))).toBe(true);
        expect(layer.annotations[ANNOTATION.cosignChain]).toContain('-----BEGIN CERTIFICATE-----');
        // cosign's legacy check: the layer's bytes hash to the envelope hash Rekor logged.
        const { body } = checkRekorSet(layer.annotations[ANNOTATION.cosignBundle], 'dsse');
        const logged = (body.spec as { envelopeHash: { algorithm: string; value: string } }).envelopeHash;
        expect(logged).toEqual({ algorithm: 'sha256', value: createHash('sha256').update(layerBytes).digest('hex') });
        expect(layer.digest).toBe(`sha256:${logged.value}`);
      }
    });
  });

  describe('keyless, legacy', () => {
    let shipped: Shipped;
    beforeAll(async () => {
      shipped = await shipTo('acme/legacy', { signatureFormat: 'legacy' });
    }, 120_000);

    test('writes the tags but no referrer; the outputs still carry the bundles', async () => {
      const { outputs } = shipped.result;
      expect(outputs.referrers).toEqual({});
      expect(await listReferrers(shipped.store, outputs.digest)).toEqual([]);
      const tags = await shipped.store.listTags();
      expect(tags).not.toContain(`sha256-${outputs.digest.slice('sha256:'.length)}`);
      expect(outputs.bundles).toHaveLength(4);
      for (const file of outputs.bundles) expect(existsSync(file)).toBe(true);
      expect(shipped.sig).toHaveLength(1);
      expect(shipped.att.map((a) => a.predicateType).sort()).toEqual(ATTESTED_TYPES);
      expect(shipped.sig[0]!.certificateSubject).toContain(IDENTITY);
    });

    test('shipping again keeps the earlier layers: .att grows, .sig keeps its one layer (same payload, same digest)', async () => {
      const again = await shipTo('acme/legacy', { signatureFormat: 'legacy', outputDir: path.join(dir, 'out-again') });
      expect(again.result.outputs.digest).toBe(shipped.result.outputs.digest);
      expect(again.sig.map((s) => s.annotations)).toEqual(shipped.sig.map((s) => s.annotations));
      expect(again.att).toHaveLength(6);
      expect(again.att.map((a) => a.digest)).toEqual(expect.arrayContaining(shipped.att.map((a) => a.digest)));
    }, 120_000);
  });

  describe('key, legacy', () => {
    let shipped: Shipped;
    let publicKey: KeyObject;
    beforeAll(async () => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      publicKey = pair.publicKey;
      const keyFile = path.join(dir, 'cosign.key');
      writeFileSync(keyFile, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      shipped = await shipTo('acme/key', { sign: 'key', keyFile, signatureFormat: 'legacy', sigstore: {} });
    }, 120_000);

    test('.sig and .att verify with the key; no certificate and, without Rekor, no SET', async () => {
      const { outputs } = shipped.result;
      expect(outputs.referrers).toEqual({});
      expect(shipped.sig).toHaveLength(1);
      const layer = shipped.sig[0]!;
      const payload = await shipped.store.getBlob(layer);
      expect(JSON.parse(payload.toString('utf8')).critical.image['docker-manifest-digest']).toBe(outputs.digest);
      expect(cryptoVerify('sha256', payload, publicKey, Buffer.from(layer.annotations[ANNOTATION.cosignSignature] as string, 'base64'))).toBe(true);
      expect(Object.keys(layer.annotations)).toEqual([ANNOTATION.cosignSignature]);

      expect(shipped.att.map((a) => a.predicateType).sort()).toEqual(ATTESTED_TYPES);
      for (const att of shipped.att) {
        expect(Object.keys(att.annotations).sort()).toEqual([ANNOTATION.cosignSignature, ANNOTATION.predicateType].sort());
        const envelope = JSON.parse((await shipped.store.getBlob(att)).toString('utf8')) as { payloadType: string; payload: string; signatures: { sig: string }[] };
        const statementBytes = Buffer.from(envelope.payload, 'base64');
        expect(cryptoVerify('sha256', pae(envelope.payloadType, statementBytes), publicKey, Buffer.from(envelope.signatures[0]!.sig, 'base64'))).toBe(true);
        expect(JSON.parse(statementBytes.toString('utf8')).subject[0].digest.sha256).toBe(outputs.digest.slice('sha256:'.length));
      }
    });
  });
});
