import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  initializeCA,
  initializeTLog,
  initializeTSA,
  tsaHandler,
  type HandlerFn,
} from '@sigstore/mock';
import type { CTLog } from '@sigstore/mock/dist/fulcio/ctlog';
import { FULCIO_EXTENSIONS } from '../../src/sign/fulcio-extensions';

/**
 * A real local Sigstore for tests: one node:http server on 127.0.0.1 answering Fulcio
 * (`/api/v2/signingCert`), Rekor v1 (`/api/v1/log/entries`) and a timestamp authority
 * (`/api/v1/timestamp`), built from @sigstore/mock's CA, CT log, transparency log and TSA, plus the
 * TrustedRoot JSON that makes @sigstore/verify accept what they produce.
 *
 * Fulcio here behaves like the real one for GitHub tokens (the mock's own handler does not): it checks
 * the token's RS256 signature against the trusted issuers given, its audience and expiry, and the proof
 * of possession; the SAN is `https://github.com/<job_workflow_ref>` and the issuer extension is the
 * token's `iss`. Rekor stores `dsse` entries in the canonical form real Rekor does, so both `dsse` and
 * `intoto` entries verify.
 */

export interface TrustedOidcIssuer {
  issuer: string;
  publicKey: KeyObject;
}

export interface SigstoreStackOptions {
  /** Issuers whose token signatures Fulcio checks. Without any, tokens are decoded but not verified. */
  oidcIssuers?: TrustedOidcIssuer[];
  /** Audience Fulcio requires (default `sigstore`). */
  audience?: string;
}

/** The TrustedRoot JSON shape (protobuf-specs JSON mapping; what `trusted_root.json` holds). */
export interface TrustedRootJSON {
  mediaType: string;
  tlogs: TransparencyLogInstanceJSON[];
  certificateAuthorities: CertificateAuthorityJSON[];
  ctlogs: TransparencyLogInstanceJSON[];
  timestampAuthorities: CertificateAuthorityJSON[];
}

interface TransparencyLogInstanceJSON {
  baseUrl: string;
  hashAlgorithm: 'SHA2_256';
  publicKey: { rawBytes: string; keyDetails: 'PKIX_ECDSA_P256_SHA_256'; validFor: { start: string; end?: string } };
  logId: { keyId: string };
}

interface CertificateAuthorityJSON {
  subject: { organization: string; commonName: string };
  uri: string;
  certChain: { certificates: { rawBytes: string }[] };
  validFor: { start: string; end?: string };
}

export interface SigstoreStack {
  fulcioURL: string;
  rekorURL: string;
  tsaURL: string;
  trustedRoot: TrustedRootJSON;
  trustedRootPath: string;
  /** Fulcio certificates issued so far. */
  certificatesIssued(): number;
  /** Rekor entries logged so far. */
  entriesLogged(): number;
  stop(): Promise<void>;
}

const GITHUB_URL = 'https://github.com';
const FULCIO_PATH = '/api/v2/signingCert';
const REKOR_PATH = '/api/v1/log/entries';
const TSA_PATH = '/api/v1/timestamp';

interface ExtensionValue {
  oid: string;
  value: string;
  legacy?: boolean;
}

type Claims = Record<string, unknown>;

export async function startSigstoreStack(opts: SigstoreStackOptions = {}): Promise<SigstoreStack> {
  const routes = new Map<string, HandlerFn>();
  const server = createServer((req, res) => void route(routes, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const ecKeyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ctLogKeys = ecKeyPair();
  const tlogKeys = ecKeyPair();
  const ctLog = certificateTransparencyLog(ctLogKeys);
  const ca = await initializeCA(ecKeyPair(), ctLog);
  const tlog = await initializeTLog(baseURL, tlogKeys);
  const tsa = await initializeTSA(ecKeyPair(), wholeSecondClock());

  let certificatesIssued = 0;
  let entriesLogged = 0;
  const audience = opts.audience ?? 'sigstore';

  routes.set(FULCIO_PATH, async (body) => {
    try {
      const request = parseCertificateRequest(body);
      const claims = verifyIdentityToken(request.token, opts.oidcIssuers ?? [], audience);
      verifyProofOfPossession(request.publicKeyPem, String(claims.sub ?? ''), request.proofOfPossession);
      const leaf = await ca.issueCertificate({
        publicKey: createPublicKey(request.publicKeyPem).export({ format: 'der', type: 'spki' }),
        subjectAltName: subjectAltName(claims),
        extensions: extensionsFromClaims(claims),
      });
      certificatesIssued++;
      const response = { signedCertificateEmbeddedSct: { chain: { certificates: [toPEM(leaf), toPEM(ca.rootCertificate)] } } };
      return { statusCode: 201, response: JSON.stringify(response), contentType: 'application/json' };
    } catch (err) {
      return { statusCode: 400, response: JSON.stringify({ code: 400, message: (err as Error).message }), contentType: 'application/json' };
    }
  });

  routes.set(REKOR_PATH, async (body) => {
    try {
      const proposed = JSON.parse(body) as Claims;
      const entry = await tlog.log(canonicalEntry(proposed));
      entriesLogged++;
      return { statusCode: 201, response: JSON.stringify(entry), contentType: 'application/json' };
    } catch (err) {
      return { statusCode: 400, response: JSON.stringify({ code: 400, message: (err as Error).message }), contentType: 'application/json' };
    }
  });

  routes.set(TSA_PATH, tsaHandler(tsa).fn);

  const trustedRoot = buildTrustedRoot({
    baseURL,
    caRoot: ca.rootCertificate,
    ctLogPublicKey: ctLog.publicKey,
    tlogPublicKey: tlog.publicKey,
    tsaChain: [tsa.intCertificate, tsa.rootCertificate],
  });
  const dir = mkdtempSync(join(tmpdir(), 'sigstore-stack-'));
  const trustedRootPath = join(dir, 'trusted_root.json');
  writeFileSync(trustedRootPath, JSON.stringify(trustedRoot, null, 2));

  return {
    fulcioURL: baseURL,
    rekorURL: baseURL,
    tsaURL: baseURL,
    trustedRoot,
    trustedRootPath,
    certificatesIssued: () => certificatesIssued,
    entriesLogged: () => entriesLogged,
    stop: () =>
      new Promise<void>((resolve) => {
        rmSync(dir, { recursive: true, force: true });
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function route(routes: Map<string, HandlerFn>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const handler = [...routes.entries()].find(([suffix]) => path.endsWith(suffix))?.[1];
  if (req.method !== 'POST' || !handler) {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const result = await handler(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(result.statusCode, { 'content-type': result.contentType ?? 'text/plain' }).end(result.response);
  } catch (err) {
    res.writeHead(500).end((err as Error).message);
  }
}

interface CertificateRequest {
  token: string;
  publicKeyPem: string;
  proofOfPossession: Buffer;
}

function parseCertificateRequest(body: string): CertificateRequest {
  const json = JSON.parse(body) as {
    credentials?: { oidcIdentityToken?: string };
    publicKeyRequest?: { publicKey?: { content?: string }; proofOfPossession?: string };
  };
  const token = json.credentials?.oidcIdentityToken;
  const publicKeyPem = json.publicKeyRequest?.publicKey?.content;
  const proof = json.publicKeyRequest?.proofOfPossession;
  if (!token || !publicKeyPem || !proof) throw new Error('request needs credentials.oidcIdentityToken and publicKeyRequest');
  return { token, publicKeyPem, proofOfPossession: Buffer.from(proof, 'base64') };
}

function verifyIdentityToken(token: string, issuers: TrustedOidcIssuer[], audience: string): Claims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('identity token is not a JWT');
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];
  const header = JSON.parse(Buffer.from(headerB64, 'base64url').toString('utf8')) as { alg?: string };
  const claims = JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8')) as Claims;
  if (issuers.length === 0) return claims;

  const issuer = issuers.find((i) => i.issuer === claims.iss);
  if (!issuer) throw new Error(`untrusted issuer ${String(claims.iss)}`);
  if (header.alg !== 'RS256' && header.alg !== 'ES256') throw new Error(`unsupported alg ${String(header.alg)}`);
  const signed = Buffer.from(`${headerB64}.${payloadB64}`);
  const signature = Buffer.from(signatureB64, 'base64url');
  const ok =
    header.alg === 'RS256'
      ? verify('sha256', signed, issuer.publicKey, signature)
      : verify('sha256', signed, { key: issuer.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new Error('identity token signature does not verify');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(audience)) throw new Error(`identity token audience is not ${audience}`);
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) throw new Error('identity token expired');
  return claims;
}

function verifyProofOfPossession(publicKeyPem: string, subject: string, proof: Buffer): void {
  if (!verify('sha256', Buffer.from(subject), createPublicKey(publicKeyPem), proof)) {
    throw new Error('proof of possession does not verify');
  }
}

/** What real Fulcio puts in the SAN: the workflow that ran, for GitHub tokens; else the subject. */
function subjectAltName(claims: Claims): string {
  if (typeof claims.job_workflow_ref === 'string') return `${GITHUB_URL}/${claims.job_workflow_ref}`;
  return String(claims.email ?? claims.sub ?? 'NO-SUBJECT');
}

function extensionsFromClaims(claims: Claims): ExtensionValue[] {
  const s = (key: string): string | undefined => (claims[key] === undefined ? undefined : String(claims[key]));
  const out: ExtensionValue[] = [];
  const add = (name: keyof typeof FULCIO_EXTENSIONS, value: string | undefined) => {
    const { oid, legacy } = FULCIO_EXTENSIONS[name];
    if (value !== undefined) out.push({ oid, value, legacy });
  };
  add('issuerV1', s('iss'));
  add('issuer', s('iss'));
  if (claims.job_workflow_ref === undefined) return out;

  add('githubWorkflowTrigger', s('event_name'));
  add('githubWorkflowSha', s('sha'));
  add('githubWorkflowName', s('workflow'));
  add('githubWorkflowRepository', s('repository'));
  add('githubWorkflowRef', s('ref'));
  add('buildSignerURI', `${GITHUB_URL}/${s('job_workflow_ref')}`);
  add('buildSignerDigest', s('job_workflow_sha'));
  add('runnerEnvironment', s('runner_environment'));
  add('sourceRepositoryURI', s('repository') && `${GITHUB_URL}/${s('repository')}`);
  add('sourceRepositoryDigest', s('sha'));
  add('sourceRepositoryRef', s('ref'));
  add('sourceRepositoryIdentifier', s('repository_id'));
  add('sourceRepositoryOwnerURI', s('repository_owner') && `${GITHUB_URL}/${s('repository_owner')}`);
  add('sourceRepositoryOwnerIdentifier', s('repository_owner_id'));
  add('buildConfigURI', s('workflow_ref') && `${GITHUB_URL}/${s('workflow_ref')}`);
  add('buildConfigDigest', s('workflow_sha'));
  add('buildTrigger', s('event_name'));
  if (claims.repository && claims.run_id && claims.run_attempt) {
    add('runInvocationURI', `${GITHUB_URL}/${s('repository')}/actions/runs/${s('run_id')}/attempts/${s('run_attempt')}`);
  }
  add('sourceRepositoryVisibilityAtSigning', s('repository_visibility'));
  return out;
}

/**
 * Real Rekor stores a `dsse` entry as hashes plus signatures, not as proposed; the mock log stores what
 * it is given, so do that transformation here (an `intoto` proposal already is its stored form).
 */
function canonicalEntry(proposed: Claims): object {
  if (proposed.kind !== 'dsse') return proposed;
  const content = (proposed.spec as { proposedContent: { envelope: string; verifiers: string[] } }).proposedContent;
  const envelope = JSON.parse(content.envelope) as { payload: string; signatures: { sig: string }[] };
  const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(content.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256Hex(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((sig) => ({ signature: sig.sig, verifier: content.verifiers[0] })),
    },
  };
}

/**
 * A clock for the mock TSA: always now, truncated to whole seconds. With milliseconds the mock writes
 * GeneralizedTime like `...05.5Z`, which @sigstore/core refuses (it accepts no or three fraction digits).
 */
function wholeSecondClock(): Date {
  return new Proxy(new Date(), {
    get(_target, property) {
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const value = Reflect.get(now, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(now) : value;
    },
  });
}

/** Offset and length of the DER element (tag + length + content) starting at `offset`. */
function derElement(der: Buffer, offset: number): { start: number; end: number; contentStart: number } {
  let lengthByte = der[offset + 1] as number;
  let contentStart = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    lengthByte &= 0x7f;
    length = 0;
    for (let i = 0; i < lengthByte; i++) length = length * 256 + (der[offset + 2 + i] as number);
    contentStart = offset + 2 + lengthByte;
  }
  return { start: offset, end: contentStart + length, contentStart };
}

/**
 * An RFC 6962 log issuing SCTs for precertificates. Replaces the mock's CT log, whose SCTs come out
 * truncated with the pkijs installed here. The mock CA writes the SCT list as `0x00, len, <bytes>`
 * (list length only), so `<bytes>` returned here carry their own 2-byte length prefix.
 */
function certificateTransparencyLog(keys: KeyPairKeyObjectResult): CTLog {
  const publicKeyDer = keys.publicKey.export({ format: 'der', type: 'spki' });
  const logID = createHash('sha256').update(publicKeyDer).digest();
  return {
    publicKey: publicKeyDer,
    logID,
    async log(certificate: ArrayBuffer, issuerID: ArrayBuffer): Promise<ArrayBuffer> {
      const der = Buffer.from(certificate);
      const outer = derElement(der, 0);
      const tbsElement = derElement(der, outer.contentStart);
      const tbs = der.subarray(tbsElement.start, tbsElement.end);
      const timestamp = Buffer.alloc(8);
      timestamp.writeBigUInt64BE(BigInt(Date.now()));
      const tbsLength = Buffer.from([(tbs.length >> 16) & 0xff, (tbs.length >> 8) & 0xff, tbs.length & 0xff]);
      const signed = Buffer.concat([
        Buffer.from([0, 0]), // v1, certificate_timestamp
        timestamp,
        Buffer.from([0, 1]), // precert_entry
        Buffer.from(issuerID),
        tbsLength,
        tbs,
        Buffer.from([0, 0]), // no extensions
      ]);
      const signature = cryptoSign('sha256', signed, keys.privateKey);
      const sigLength = Buffer.alloc(2);
      sigLength.writeUInt16BE(signature.length);
      const sct = Buffer.concat([Buffer.from([0]), logID, timestamp, Buffer.from([0, 0]), Buffer.from([4, 3]), sigLength, signature]);
      const prefixed = Buffer.alloc(2 + sct.length);
      prefixed.writeUInt16BE(sct.length);
      sct.copy(prefixed, 2);
      return prefixed.buffer.slice(prefixed.byteOffset, prefixed.byteOffset + prefixed.length);
    },
  };
}

function toPEM(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----', ''].join('\n');
}

function buildTrustedRoot(parts: {
  baseURL: string;
  caRoot: Buffer;
  ctLogPublicKey: Buffer;
  tlogPublicKey: Buffer;
  tsaChain: Buffer[];
}): TrustedRootJSON {
  const validity = (der: Buffer) => {
    const cert = new X509Certificate(der);
    return { start: new Date(cert.validFrom).toISOString(), end: new Date(cert.validTo).toISOString() };
  };
  const caValidity = validity(parts.caRoot);
  const logInstance = (publicKeyDer: Buffer, url: string): TransparencyLogInstanceJSON => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: publicKeyDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: caValidity.start } },
    logId: { keyId: createHash('sha256').update(publicKeyDer).digest('base64') },
  });
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logInstance(parts.tlogPublicKey, parts.baseURL)],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: parts.baseURL,
        certChain: { certificates: [{ rawBytes: parts.caRoot.toString('base64') }] },
        validFor: caValidity,
      },
    ],
    ctlogs: [logInstance(parts.ctLogPublicKey, parts.baseURL)],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: parts.baseURL,
        certChain: { certificates: parts.tsaChain.map((der) => ({ rawBytes: der.toString('base64') })) },
        validFor: validity(parts.tsaChain[parts.tsaChain.length - 1] as Buffer),
      },
    ],
  };
}
