import { generateKeyPairSync, sign } from 'node:crypto';
import { startOidcServer, type OidcServer } from './oidc';
import { startSigstoreStack, type SigstoreStack } from './sigstore';

describe('loopback Sigstore stack', () => {
  let oidc: OidcServer;
  let stack: SigstoreStack;
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  beforeAll(async () => {
    oidc = await startOidcServer();
    stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
  });
  afterAll(async () => {
    await stack?.stop();
    await oidc?.stop();
  });

  const token = async (audience: string) => {
    const res = await fetch(`${oidc.requestUrl}&audience=${audience}`, { headers: { authorization: `Bearer ${oidc.requestToken}` } });
    return ((await res.json()) as { value: string }).value;
  };
  const requestCertificate = (oidcIdentityToken: string, proof: Buffer) =>
    fetch(`${stack.fulcioURL}/api/v2/signingCert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        credentials: { oidcIdentityToken },
        publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: publicKeyPem }, proofOfPossession: proof.toString('base64') },
      }),
    });
  const subjectProof = sign('sha256', Buffer.from('repo:acme/api:ref:refs/heads/main'), key.privateKey);

  test('Fulcio issues a leaf + root chain for a valid token and proof of possession', async () => {
    const res = await requestCertificate(await token('sigstore'), subjectProof);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { signedCertificateEmbeddedSct: { chain: { certificates: string[] } } };
    expect(body.signedCertificateEmbeddedSct.chain.certificates).toHaveLength(2);
    expect(stack.certificatesIssued()).toBe(1);
  });

  test('Fulcio refuses another audience, a bad proof, a forged signature', async () => {
    expect((await requestCertificate(await token('other'), subjectProof)).status).toBe(400);
    expect((await requestCertificate(await token('sigstore'), sign('sha256', Buffer.from('someone else'), key.privateKey))).status).toBe(400);
    const [h, p] = (await token('sigstore')).split('.');
    expect((await requestCertificate(`${h}.${p}.AAAA`, subjectProof)).status).toBe(400);
  });

  test('the trusted root lists the CA, the logs (logId = sha256 of the key) and the TSA', () => {
    const root = stack.trustedRoot;
    expect(root.certificateAuthorities[0]?.certChain.certificates).toHaveLength(1);
    expect(root.timestampAuthorities[0]?.certChain.certificates).toHaveLength(2);
    expect(root.tlogs[0]?.baseUrl).toBe(stack.rekorURL);
    expect(root.tlogs[0]?.logId.keyId).not.toBe(root.ctlogs[0]?.logId.keyId);
  });
});
