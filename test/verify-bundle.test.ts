/**
 * `ship-image verify-bundle` (the sigstore-conformance CLI protocol) on bundles made here: keyless
 * message signatures and DSSE statements from the loopback Sigstore stack (Fulcio, Rekor, TSA), and
 * key-signed bundles; each checked for an artifact file and for its `sha256:` digest.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleToJSON } from '@sigstore/bundle';
import { FulcioSigner, MessageSignatureBundleBuilder, RekorWitness, TSAWitness } from '@sigstore/sign';
import { makeStatement } from '../src/attest/statement';
import { main } from '../src/cli/main';
import { keylessSigner, keySigner } from '../src/sign';
import { publicKeyHint } from '../src/sign/key-signer';
import { GITHUB_ISSUER, startOidcServer, type OidcServer } from './support/oidc';
import { oidcToken } from './support/ship-fixture';
import { startSigstoreStack, type SigstoreStack } from './support/sigstore';

const IDENTITY = 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main';

describe('verify-bundle', () => {
  let dir: string;
  let oidc: OidcServer;
  let stack: SigstoreStack;
  let artifact: string;
  let otherArtifact: string;
  let digest: string;
  const files: Record<string, string> = {};
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  async function run(args: string[]): Promise<{ code: number; stderr: string }> {
    const stderr: string[] = [];
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      return { code: await main(['verify-bundle', ...args]), stderr: stderr.join('') };
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  }
  const keyless = (bundle: string, what: string, identity = IDENTITY, issuer = GITHUB_ISSUER) =>
    run(['--bundle', bundle, '--certificate-identity', identity, '--certificate-oidc-issuer', issuer, '--trusted-root', stack.trustedRootPath, what]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'verify-bundle-'));
    oidc = await startOidcServer();
    stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
    const content = Buffer.from('release artifact v1\n');
    artifact = write('artifact.txt', content);
    otherArtifact = write('other.txt', 'another artifact\n');
    digest = 'sha256:' + createHash('sha256').update(content).digest('hex');
    files.publicKey = write('cosign.pub', publicKeyPem);
    files.otherKey = write('other.pub', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }));

    const identityToken = () => oidcToken(oidc);
    // A message signature over the artifact, as `cosign sign-blob` makes it.
    const messageBuilder = new MessageSignatureBundleBuilder({
      signer: new FulcioSigner({ fulcioBaseURL: stack.fulcioURL, identityProvider: { getToken: identityToken } }),
      witnesses: [new RekorWitness({ rekorBaseURL: stack.rekorURL }), new TSAWitness({ tsaBaseURL: stack.tsaURL })],
    });
    files.message = write('message.sigstore.json', JSON.stringify(bundleToJSON(await messageBuilder.create({ data: content }))));

    const statement = makeStatement({ name: 'artifact.txt', digest }, 'https://slsa.dev/provenance/v1', { buildDefinition: {} });
    const dsse = await keylessSigner({ fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL, identityToken }).signStatement(statement);
    files.dsse = write('dsse.sigstore.json', JSON.stringify(dsse));

    const keyPem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    files.keyDsse = write('key-dsse.sigstore.json', JSON.stringify(await keySigner({ keyPem }).signStatement(statement)));
    const keyMessageBuilder = new MessageSignatureBundleBuilder({
      signer: {
        sign: async (data) => ({
          signature: sign('sha256', data, pair.privateKey),
          key: { $case: 'publicKey', publicKey: publicKeyPem, hint: publicKeyHint(pair.publicKey.export({ format: 'der', type: 'spki' })) },
        }),
      },
      witnesses: [],
    });
    files.keyMessage = write('key-message.sigstore.json', JSON.stringify(bundleToJSON(await keyMessageBuilder.create({ data: content }))));
  });

  afterAll(async () => {
    await stack?.stop();
    await oidc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.each([
    ['message signature', 'message'],
    ['DSSE in-toto statement', 'dsse'],
  ])('keyless %s', (_label, name) => {
    test('verifies for the artifact file and for its digest', async () => {
      expect(await keyless(files[name]!, artifact)).toMatchObject({ code: 0 });
      expect(await keyless(files[name]!, digest)).toMatchObject({ code: 0 });
    });

    test('fails for another artifact, another identity or issuer, or the public-good root', async () => {
      expect((await keyless(files[name]!, otherArtifact)).code).toBe(1);
      expect((await keyless(files[name]!, 'sha256:' + 'ab'.repeat(32))).code).toBe(1);
      expect((await keyless(files[name]!, artifact, IDENTITY.replace('ship.yml', 'evil.yml'))).code).toBe(1);
      expect((await keyless(files[name]!, artifact, IDENTITY, 'https://accounts.example.test')).code).toBe(1);
      const publicGood = await run(['--bundle', files[name]!, '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', GITHUB_ISSUER, artifact]);
      expect(publicGood.code).toBe(1);
    });

    test('fails when the signature is tampered with', async () => {
      const bundle = JSON.parse(readFileSync(files[name]!, 'utf8'));
      const holder = bundle.messageSignature ?? bundle.dsseEnvelope.signatures[0];
      const raw = Buffer.from(holder.signature ?? holder.sig, 'base64');
      raw[raw.length - 1] ^= 1;
      if (bundle.messageSignature) bundle.messageSignature.signature = raw.toString('base64');
      else bundle.dsseEnvelope.signatures[0].sig = raw.toString('base64');
      expect((await keyless(write(`${name}-tampered.json`, JSON.stringify(bundle)), artifact)).code).toBe(1);
    });
  });

  describe.each([
    ['message signature', 'keyMessage'],
    ['DSSE in-toto statement', 'keyDsse'],
  ])('key-signed %s', (_label, name) => {
    test('verifies with the key for the file and the digest; not with another key or as keyless', async () => {
      expect((await run(['--bundle', files[name]!, '--key', files.publicKey!, artifact])).code).toBe(0);
      expect((await run(['--bundle', files[name]!, '--key', files.publicKey!, digest])).code).toBe(0);
      expect((await run(['--bundle', files[name]!, '--key', files.otherKey!, artifact])).code).toBe(1);
      expect((await run(['--bundle', files[name]!, '--key', files.publicKey!, otherArtifact])).code).toBe(1);
      expect((await keyless(files[name]!, artifact)).code).toBe(1);
    });
  });

  test('usage errors exit 2 with one line; a malformed bundle fails with 1', async () => {
    const noSigner = await run(['--bundle', files.dsse!, artifact]);
    expect(noSigner.code).toBe(2);
    expect(noSigner.stderr.trim().split('\n')).toHaveLength(1);
    expect((await run(['--bundle', path.join(dir, 'absent.json'), '--key', files.publicKey!, artifact])).code).toBe(2);
    expect((await run(['--bundle', write('broken.json', '{"mediaType":'), '--key', files.publicKey!, artifact])).code).toBe(1);
  });
});
