/**
 * The allow/deny matrix of `verify` over REAL shipped images: a real registry (CNCF distribution,
 * fallback tag), the real trivy with the fixture DB, real keyless signing on the loopback Sigstore
 * stack with GitHub-shaped OIDC tokens, and key signing. Every case also renders the policy for each
 * engine and checks that the engine's verdict, computed from the rendered manifest by
 * test/support/admission-models.ts (Kyverno JMESPath conditions, IVP CEL through @bufbuild/cel,
 * policy-controller authorities; its Rego is left to the e2e job), equals `verify`'s; or that the
 * renderer refuses the policy when the engine cannot express it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeVerifyCommand } from '../src/cli/commands/verify';
import { ANNOTATION, PREDICATE } from '../src/oci/media-types';
import { removeReferrer, listReferrers } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import type { RepositoryStore } from '../src/oci/store';
import { UserError } from '../src/core/errors';
import { loadPolicy } from '../src/policy/load';
import { ENGINES, renderPolicy, type Engine } from '../src/policy/render';
import type { Policy, RuleName } from '../src/policy/types';
import { ship, type ShipResult } from '../src/ship/run';
import { trustedRootForPolicy } from '../src/verify/policy-root';
import { publicGoodTrustedRootJSON } from '../src/verify/trusted-root';
import { verifyImage, type VerifyReport } from '../src/verify/verify-image';
import {
  bundlesSeen,
  clusterImagePolicyPresence,
  imageValidatingPolicyVerdict,
  ivpKeys,
  kyvernoClusterPolicyKeys,
  kyvernoClusterPolicyVerdict,
  type EngineVerdict,
} from './support/admission-models';
import { DEFAULT_GITHUB_CLAIMS, GITHUB_ISSUER, startOidcServer, type OidcServer } from './support/oidc';
import { writePolicyFile } from './support/policy-file';
import { startRegistry, type TestRegistry } from './support/registry';
import { attachBundleReferrer, copyWithReferrers, makeFixtureSources, shipInputs, shipWorld, type CopiedReferrer, type FixtureSources } from './support/ship-fixture';
import { startSigstoreStack, type SigstoreStack } from './support/sigstore';

const W1 = DEFAULT_GITHUB_CLAIMS.job_workflow_ref as string;
const W1_SAN = `https://github.com/${W1}`;
const W2 = 'acme/api/.github/workflows/other.yml@refs/heads/main';
const OTHER_ISSUER = 'https://issuer.other.test';
const HOUR = 3600_000;

interface Shipped {
  repo: string;
  result: ShipResult;
}

type Statement = { subject: unknown; predicate: { scanner: { result: { Results: Array<{ Vulnerabilities?: Array<{ Severity: string }> }> } } } };

describe('verify: allow/deny matrix over shipped images', () => {
  let dir: string;
  let registry: TestRegistry;
  let oidcW1: OidcServer;
  let oidcW2: OidcServer;
  let oidcOther: OidcServer;
  let stack: SigstoreStack;
  let sources: FixtureSources;
  let client: RegistryClient;
  let keyFile: string;
  const shipped: Record<'patched' | 'vulnerable' | 'otherWorkflow' | 'otherIssuer' | 'keySigned', Shipped> = {} as never;
  let now: Date;

  const repoRef = (repo: string, ref: string) => `${registry.host}/${repo}${ref.startsWith('sha256:') ? '@' : ':'}${ref}`;
  const store = (repo: string): RepositoryStore => client.repository(registry.host, repo);

  interface PolicyOptions {
    keys?: string[];
    criticalGrace?: string;
    maxScanAge?: string;
    mode?: string;
    images?: string;
    /** YAML flow mappings, one identity each; default: the W1 workflow. */
    identities?: string[];
    /** A trusted-root file; default: the stack's trusted_root.json. */
    trustedRoot?: string;
  }

  function policyFile(name: string, opts: PolicyOptions = {}): string {
    return writePolicyFile(dir, name, {
      images: opts.images ?? `${registry.host}/*`,
      mode: opts.mode ?? 'enforce',
      trustedRoot: opts.trustedRoot ?? stack.trustedRootPath,
      identities: opts.identities ?? [`{issuer: ${JSON.stringify(GITHUB_ISSUER)}, subject: ${JSON.stringify(W1_SAN)}}`],
      keys: opts.keys,
      require: [`vulnerabilities: {maxScanAge: ${opts.maxScanAge ?? '168h'}, criticalGrace: ${opts.criticalGrace ?? '168h'}}`],
    });
  }

  /** Why the renderer must refuse this policy for this engine (what the engine cannot check), or undefined. */
  function expectedRefusal(policy: Policy, engine: Engine): RegExp | undefined {
    if (policy.identities.some((id) => id.extensions)) return /extensions: .* checks only the issuer and subject/;
    if (engine === 'policy-controller' && policy.keys.length > 0) return /spec\.keys: policy-controller verifies Sigstore bundles .* keyless signers only/;
    return undefined;
  }

  /**
   * Each engine's verdict on the image, from its rendered manifest, equals `verify`'s. Kyverno
   * ClusterPolicy only renders for the public-good root: it is rendered so, while the bundles are
   * verified against the stack's root (trust roots are not what this compares).
   */
  async function expectEnginesAgree(imageRef: string, policy: Policy, report: VerifyReport, at: Date): Promise<void> {
    const repo = imageRef.slice(registry.host.length + 1).split(/[@:]/)[0]!;
    const trustedRoot = trustedRootForPolicy(policy);
    for (const engine of ENGINES) {
      const refusal = expectedRefusal(policy, engine);
      const renderable: Policy = engine === 'kyverno' ? { ...policy, sigstore: { kind: 'public-good' } } : policy;
      if (refusal) {
        expect(() => renderPolicy(renderable, engine)).toThrow(UserError);
        expect(() => renderPolicy(renderable, engine)).toThrow(refusal);
        continue;
      }
      const doc = renderPolicy(renderable, engine).documents[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      let verdict: EngineVerdict;
      let expected = report.allowed;
      if (engine === 'kyverno') {
        verdict = kyvernoClusterPolicyVerdict(doc, await bundlesSeen(store(repo), report.digest, trustedRoot, kyvernoClusterPolicyKeys(doc)), at);
      } else if (engine === 'kyverno-ivp') {
        verdict = imageValidatingPolicyVerdict(doc, imageRef, await bundlesSeen(store(repo), report.digest, trustedRoot, ivpKeys(doc)), at);
      } else {
        // Rego is not evaluated here: compare the authority/presence part with verify's signature and
        // SBOM rules plus "an allowed scan exists"; the scan's content is the e2e job's to judge.
        verdict = clusterImagePolicyPresence(doc, await bundlesSeen(store(repo), report.digest, trustedRoot, []));
        const others = report.rules.filter((r) => r.rule !== 'vulnerabilities').every((r) => r.passed);
        expected = others && (!policy.require.vulnerabilities || report.accepted.some((a) => a.predicateType === PREDICATE.vuln));
      }
      if (verdict.allowed !== expected) console.error(`${engine} on ${imageRef}: ${JSON.stringify(verdict.why)}`);
      expect({ engine, allowed: verdict.allowed }).toEqual({ engine, allowed: expected });
    }
  }

  async function check(imageRef: string, policy: Policy, expected: { allowed: boolean; failing: RuleName[] }, at: Date = now): Promise<VerifyReport> {
    const report = await verifyImage(imageRef, policy, { client, now: at });
    if (report.allowed !== expected.allowed) {
      // What a failure on a loaded CI machine needs to be understood: what was listed and why it was set aside.
      console.error(`${imageRef}: ${JSON.stringify({ rules: report.rules.map((r) => `${r.rule}: ${r.reason}`), rejected: report.rejected })}`);
    }
    expect({ allowed: report.allowed, failing: report.rules.filter((r) => !r.passed).map((r) => r.rule) }).toEqual(expected);
    await expectEnginesAgree(imageRef, policy, report, at);
    return report;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'verify-matrix-'));
    [registry, oidcW1, oidcW2, oidcOther, sources] = await Promise.all([
      startRegistry('open'),
      startOidcServer(),
      startOidcServer({ job_workflow_ref: W2, workflow_ref: W2 }),
      startOidcServer({ iss: OTHER_ISSUER }),
      makeFixtureSources(path.join(dir, 'sources')),
    ]);
    // Two workflows of one issuer means two token-signing keys for one `iss`, which the stack's Fulcio
    // cannot tell apart: it takes the tokens' claims as given (the tests are about verify, not Fulcio).
    stack = await startSigstoreStack();
    client = new RegistryClient();
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyFile = path.join(dir, 'cosign.key');
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(path.join(dir, 'other.pub'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));

    const sigstore = { fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL };
    const run = async (name: keyof typeof shipped, from: string, repo: string, oidc: OidcServer | undefined, extra: Parameters<typeof shipInputs>[4] = {}) => {
      const inputs = shipInputs(from, `${registry.host}/${repo}`, sources.trivyCache, path.join(dir, `out-${name}`), { sigstore, ...extra });
      shipped[name] = { repo, result: await ship(inputs, shipWorld(dir, oidc)) };
    };
    // Five ships side by side: each runs trivy twice (SBOM, scan), the slow part.
    const ships = await Promise.allSettled([
      run('patched', sources.patched, 'acme/good', oidcW1, { extraTags: ['release'] }),
      run('vulnerable', sources.vulnerable, 'acme/vulnerable', oidcW1),
      run('otherWorkflow', sources.patched, 'acme/other-workflow', oidcW2),
      run('otherIssuer', sources.patched, 'acme/other-issuer', oidcOther),
      run('keySigned', sources.patched, 'acme/key-signed', undefined, { sign: 'key', keyFile }),
    ]);
    const failed = ships.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    now = new Date(Date.now() + 60_000);
  }, 900_000);

  afterAll(async () => {
    client?.close();
    await Promise.all([registry?.stop(), stack?.stop(), oidcW1?.stop(), oidcW2?.stop(), oidcOther?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the ships are what the cases assume', () => {
    expect(shipped.patched.result.outputs.vulnerabilities.critical).toBe(0);
    expect(shipped.vulnerable.result.outputs.vulnerabilities.critical).toBe(3);
    expect(shipped.otherWorkflow.result.outputs.digest).toBe(shipped.patched.result.outputs.digest);
  });

  test('good: the patched image signed by the allowed workflow is allowed, every rule with evidence', async () => {
    const policy = loadPolicy(policyFile('base'));
    const { digest } = shipped.patched.result.outputs;
    const report = await check(repoRef('acme/good', digest), policy, { allowed: true, failing: [] });
    expect(report.digest).toBe(digest);
    expect(report.rejected).toEqual([]);
    const signature = report.rules.find((r) => r.rule === 'signature')!;
    expect(signature.evidence.attestations?.[0]?.signer).toMatchObject({ kind: 'keyless', san: W1_SAN, issuer: GITHUB_ISSUER });
    expect(report.rules.find((r) => r.rule === 'vulnerabilities')!.evidence).toMatchObject({ offending: [], withinGrace: [] });
  });

  test('the vulnerable image is denied for its old CRITICALs under a 168h grace', async () => {
    const report = await check(repoRef('acme/vulnerable', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['vulnerabilities'] });
    const offending = report.rules.find((r) => r.rule === 'vulnerabilities')!.evidence.offending!.map((c) => c.id).sort();
    expect(offending).toEqual(['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2023-45853']);
  });

  describe('CRITICAL grace, computed from the oldest CRITICAL PublishedDate and now', () => {
    const oldest = () => Math.min(...shipped.vulnerable.result.vulnerabilities.filter((v) => v.severity === 'CRITICAL').map((v) => Date.parse(v.publishedDate!)));
    const graceSeconds = (offsetMs: number) => `${Math.round((now.getTime() - oldest() + offsetMs) / 1000)}s`;

    test('one hour inside the grace: allowed, the CRITICALs listed as within grace', async () => {
      const policy = loadPolicy(policyFile('grace-inside', { criticalGrace: graceSeconds(HOUR) }));
      const report = await check(repoRef('acme/vulnerable', 'v1'), policy, { allowed: true, failing: [] });
      expect(report.rules.find((r) => r.rule === 'vulnerabilities')!.evidence.withinGrace).toHaveLength(3);
    });

    test('one hour outside the grace: denied, only the oldest CRITICAL offends', async () => {
      const policy = loadPolicy(policyFile('grace-outside', { criticalGrace: graceSeconds(-HOUR) }));
      const report = await check(repoRef('acme/vulnerable', 'v1'), policy, { allowed: false, failing: ['vulnerabilities'] });
      expect(report.rules.find((r) => r.rule === 'vulnerabilities')!.evidence.offending!.map((c) => c.id)).toEqual(['CVE-2019-10744']);
    });
  });

  test('stale scan: one hour past maxScanAge the vulnerability rule denies', async () => {
    const policy = loadPolicy(policyFile('base'));
    const report = await verifyImage(repoRef('acme/good', 'v1'), policy, { client, now });
    const finished = Date.parse(report.rules.find((r) => r.rule === 'vulnerabilities')!.evidence.scan!.scanFinishedOn);
    const later = new Date(finished + 168 * HOUR + HOUR);
    const stale = await check(repoRef('acme/good', 'v1'), policy, { allowed: false, failing: ['vulnerabilities'] }, later);
    expect(stale.rules.find((r) => r.rule === 'vulnerabilities')!.reason).toMatch(/maxScanAge 168h/);
  });

  test('signed by another workflow: denied, every attestation set aside for its signer', async () => {
    const report = await check(repoRef('acme/other-workflow', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
    expect(report.rejected).toHaveLength(3);
    for (const r of report.rejected) expect(r.reason).toContain(`signer https://github.com/${W2}`);
  });

  test('signed by another issuer with the same workflow identity: denied', async () => {
    const report = await check(repoRef('acme/other-issuer', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
    for (const r of report.rejected) expect(r.reason).toContain(`(issuer ${OTHER_ISSUER})`);
  });

  test('tampered payload: a scan edited to drop the CRITICALs does not verify, so the image is denied', async () => {
    const { digest } = shipped.vulnerable.result.outputs;
    const tamper = (r: CopiedReferrer): Buffer => {
      if (r.manifest.annotations?.[ANNOTATION.bundlePredicateType] !== PREDICATE.vuln) return r.layer;
      const bundle = JSON.parse(r.layer.toString('utf8')) as { dsseEnvelope: { payload: string } };
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as Statement;
      for (const result of statement.predicate.scanner.result.Results) {
        result.Vulnerabilities = (result.Vulnerabilities ?? []).filter((v) => v.Severity !== 'CRITICAL');
      }
      bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
      return Buffer.from(JSON.stringify(bundle));
    };
    await copyWithReferrers(store('acme/vulnerable'), store('acme/tampered'), digest, 'v1', () => true, tamper);
    const report = await check(repoRef('acme/tampered', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['vulnerabilities'] });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ predicateType: PREDICATE.vuln, reason: expect.stringMatching(/verification failed/) });
  });

  test("statements for another digest re-attached to this image: denied, the subjects don't match", async () => {
    const vulnerable = shipped.vulnerable.result.outputs.digest;
    const patched = shipped.patched.result.outputs.digest;
    const image = await copyWithReferrers(store('acme/vulnerable'), store('acme/reattached'), vulnerable, 'v1', () => false);
    for (const d of await listReferrers(store('acme/good'), patched)) {
      const fetched = await store('acme/good').getManifest(d.digest);
      const manifest = fetched.manifest as Parameters<typeof attachBundleReferrer>[2];
      await attachBundleReferrer(store('acme/reattached'), image, manifest, await store('acme/good').getBlob(manifest.layers[0]!));
    }
    const report = await check(repoRef('acme/reattached', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
    expect(report.rejected.map((r) => r.reason)).toEqual(Array(3).fill(`statement subject is not ${vulnerable}`));
  });

  test('unsigned referrer: a bundle-typed referrer that is not a bundle does not count as a signature', async () => {
    const { digest } = shipped.patched.result.outputs;
    let template: CopiedReferrer | undefined;
    const image = await copyWithReferrers(store('acme/good'), store('acme/unsigned'), digest, 'v1', (r) => {
      if (r.manifest.annotations?.[ANNOTATION.bundlePredicateType] !== PREDICATE.signature) return true;
      template = r;
      return false;
    });
    const bundle = JSON.parse(template!.layer.toString('utf8')) as { dsseEnvelope: unknown };
    // The signed statement itself, without any verification material: anyone could have pushed this.
    await attachBundleReferrer(store('acme/unsigned'), image, template!.manifest, Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: bundle.dsseEnvelope })));
    const report = await check(repoRef('acme/unsigned', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['signature'] });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.reason).toMatch(/not a valid Sigstore bundle/);
  });

  test('missing SBOM: the SBOM referrer removed from the fallback index denies the sbom rule only', async () => {
    const { digest, referrers } = shipped.patched.result.outputs;
    await copyWithReferrers(store('acme/good'), store('acme/no-sbom'), digest, 'v1');
    const sbom = (await listReferrers(store('acme/no-sbom'), digest)).find((d) => d.annotations?.[ANNOTATION.bundlePredicateType] === PREDICATE.cyclonedx)!;
    expect(sbom).toBeDefined();
    expect(referrers.sbom).toBeDefined();
    expect((await removeReferrer(store('acme/no-sbom'), digest, sbom.digest)).removedFromFallback).toBe(true);
    await check(repoRef('acme/no-sbom', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['sbom'] });
  });

  test('tag moved to another digest after signing: the verdict follows the digest the tag names now', async () => {
    const policy = loadPolicy(policyFile('base'));
    const signed = shipped.patched.result.outputs.digest;
    expect((await check(repoRef('acme/good', 'release'), policy, { allowed: true, failing: [] })).digest).toBe(signed);
    // Someone re-points `release` at the vulnerable image, pushed without attestations.
    const moved = await copyWithReferrers(store('acme/vulnerable'), store('acme/good'), shipped.vulnerable.result.outputs.digest, 'release', () => false);
    const report = await check(repoRef('acme/good', 'release'), policy, { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
    expect(report).toMatchObject({ digest: moved.digest, resolvedFromTag: 'release' });
    await check(repoRef('acme/good', signed), policy, { allowed: true, failing: [] });
  });

  describe('key-signed image', () => {
    test('allowed when the policy holds the key', async () => {
      const report = await check(repoRef('acme/key-signed', 'v1'), loadPolicy(policyFile('with-key', { keys: ['cosign.pub'] })), { allowed: true, failing: [] });
      expect(report.rules[0]!.evidence.attestations?.[0]?.signer.kind).toBe('key');
    });

    test('denied without the key, or with another key', async () => {
      const none = await check(repoRef('acme/key-signed', 'v1'), loadPolicy(policyFile('base')), { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
      for (const r of none.rejected) expect(r.reason).toMatch(/policy allows no key/);
      const other = await check(repoRef('acme/key-signed', 'v1'), loadPolicy(policyFile('other-key', { keys: ['other.pub'] })), { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
      for (const r of other.rejected) expect(r.reason).toMatch(/verification failed/);
    });
  });

  describe('key-signed image and the transparency log', () => {
    const noTlog = async () => {
      // The same key signatures without their Rekor entries and TSA timestamps: still valid signatures.
      const strip = (r: CopiedReferrer): Buffer => {
        const bundle = JSON.parse(r.layer.toString('utf8')) as { verificationMaterial: { tlogEntries?: unknown[]; timestampVerificationData?: unknown } };
        bundle.verificationMaterial.tlogEntries = [];
        delete bundle.verificationMaterial.timestampVerificationData;
        return Buffer.from(JSON.stringify(bundle));
      };
      await copyWithReferrers(store('acme/key-signed'), store('acme/key-no-tlog'), shipped.keySigned.result.outputs.digest, 'v1', () => true, strip);
    };
    beforeAll(noTlog);

    test('a key without requireTlog admits signatures with and without a Rekor entry', async () => {
      const policy = loadPolicy(policyFile('key-any-tlog', { keys: ['cosign.pub'] }));
      await check(repoRef('acme/key-signed', 'v1'), policy, { allowed: true, failing: [] });
      const report = await check(repoRef('acme/key-no-tlog', 'v1'), policy, { allowed: true, failing: [] });
      expect(report.rules[0]!.evidence.attestations?.[0]?.signer).toEqual({ kind: 'key', keyId: policy.keys[0]!.keyId, tlog: false });
    });

    test('a key with requireTlog admits only signatures with a verified Rekor entry', async () => {
      const policy = loadPolicy(policyFile('key-tlog', { keys: ['{path: cosign.pub, requireTlog: true}'] }));
      await check(repoRef('acme/key-signed', 'v1'), policy, { allowed: true, failing: [] });
      const report = await check(repoRef('acme/key-no-tlog', 'v1'), policy, { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
      for (const r of report.rejected) expect(r.reason).toMatch(/sets requireTlog and the bundle has no transparency-log entry/);
    });
  });

  describe('several identities', () => {
    const both = () =>
      loadPolicy(
        policyFile('two-identities', {
          identities: [`{issuer: ${JSON.stringify(GITHUB_ISSUER)}, subject: "https://github.com/${W2}"}`, `{issuer: ${JSON.stringify(GITHUB_ISSUER)}, subjectRegExp: '^https://github\\.com/acme/api/\\.github/workflows/ship\\.yml@refs/heads/main$'}`],
        }),
      );

    test('an image signed by either allowed identity is admitted, by verify and every engine', async () => {
      await check(repoRef('acme/good', 'v1'), both(), { allowed: true, failing: [] });
      await check(repoRef('acme/other-workflow', 'v1'), both(), { allowed: true, failing: [] });
    });

    test('an identity of another issuer still denies', async () => {
      await check(repoRef('acme/other-issuer', 'v1'), both(), { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
    });
  });

  describe('certificate extension pins', () => {
    const pinned = (ref: string) =>
      loadPolicy(
        policyFile(`pinned-${ref.replace(/\W/g, '-')}`, {
          identities: [
            `{issuer: ${JSON.stringify(GITHUB_ISSUER)}, subject: ${JSON.stringify(W1_SAN)}, extensions: {sourceRepositoryURI: "https://github.com/acme/api", sourceRepositoryOwnerURI: "https://github.com/acme", sourceRepositoryRef: ${ref}, buildSignerURI: ${JSON.stringify(W1_SAN)}}}`,
          ],
        }),
      );

    test('matching pins: allowed by verify; every renderer refuses, since no engine checks extensions', async () => {
      await check(repoRef('acme/good', 'v1'), pinned('refs/heads/main'), { allowed: true, failing: [] });
    });

    test('a pin the certificate does not carry denies, naming the extension', async () => {
      const report = await check(repoRef('acme/good', 'v1'), pinned('refs/heads/release'), { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
      for (const r of report.rejected) expect(r.reason).toContain("certificate sourceRepositoryRef is 'refs/heads/main', the policy pins 'refs/heads/release'");
    });
  });

  test("trusted roots as the JSON Lines 'gh attestation trusted-root' prints: verify and IVP (one attestor per root) agree", async () => {
    const jsonl = path.join(dir, 'roots.jsonl');
    writeFileSync(jsonl, `${JSON.stringify(publicGoodTrustedRootJSON())}\n${JSON.stringify(stack.trustedRoot)}\n`);
    const policy = loadPolicy(policyFile('jsonl-root', { trustedRoot: jsonl }));
    const ivp = renderPolicy(policy, 'kyverno-ivp').documents[0] as { spec: { attestors: Array<{ name: string }> } };
    expect(ivp.spec.attestors.map((a) => a.name)).toEqual(['keyless0_root0', 'keyless0_root1']);
    await check(repoRef('acme/good', 'v1'), policy, { allowed: true, failing: [] });
    await check(repoRef('acme/vulnerable', 'v1'), policy, { allowed: false, failing: ['vulnerabilities'] });
    await check(repoRef('acme/other-workflow', 'v1'), policy, { allowed: false, failing: ['signature', 'sbom', 'vulnerabilities'] });
  });

  test('audit mode reports the failures and allows', async () => {
    const report = await verifyImage(repoRef('acme/vulnerable', 'v1'), loadPolicy(policyFile('audit', { mode: 'audit' })), { client, now });
    expect(report.allowed).toBe(true);
    expect(report.rules.find((r) => r.rule === 'vulnerabilities')!.passed).toBe(false);
  });

  describe('the CLI', () => {
    const runCli = async (argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const command = makeVerifyCommand({ env: {}, readStdin: () => '', writeStdout: (t) => out.push(t), writeStderr: (t) => err.push(t), now: () => now });
      let code: number;
      try {
        code = await command.run(argv);
      } catch (e) {
        code = (e as { exitCode?: number }).exitCode ?? 1;
        err.push((e as Error).message);
      }
      return { code, stdout: out.join(''), stderr: err.join('') };
    };

    test('--json prints exactly image, digest, allowed, rules; exit 0 allow, 1 deny', async () => {
      const allow = await runCli([repoRef('acme/good', shipped.patched.result.outputs.digest), '--policy', policyFile('base'), '--json']);
      expect(allow.code).toBe(0);
      const doc = JSON.parse(allow.stdout) as { rules: Array<Record<string, unknown>> };
      expect(Object.keys(doc)).toEqual(['image', 'digest', 'allowed', 'rules']);
      expect(doc.rules.map((r) => Object.keys(r))).toEqual(Array(3).fill(['rule', 'passed', 'reason', 'evidence']));
      const deny = await runCli([repoRef('acme/vulnerable', 'v1'), '--policy', policyFile('base')]);
      expect(deny.code).toBe(1);
      expect(deny.stdout).toMatch(/verdict: DENIED/);
      expect(deny.stdout).toMatch(/FAIL vulnerabilities: 3 CRITICAL/);
      expect(deny.stdout).toMatch(/offending CVE-2019-10744 in lodash/);
    });

    test('exit 2 with a one-line error: unknown image, bad policy, unreachable registry, image outside the policy', async () => {
      const unknown = await runCli([repoRef('acme/good', 'no-such-tag'), '--policy', policyFile('base')]);
      expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/not found/) });
      const badPolicy = path.join(dir, 'bad.yaml');
      writeFileSync(badPolicy, 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec: {}\n');
      expect((await runCli([repoRef('acme/good', 'v1'), '--policy', badPolicy])).code).toBe(2);
      const closedPort = await runCli(['127.0.0.1:1/acme/good:v1', '--policy', policyFile('any-host', { images: '*' })]);
      expect(closedPort.code).toBe(2);
      expect(closedPort.stderr.split('\n')).toHaveLength(1);
      const outside = await runCli(['example.invalid/acme/good:v1', '--policy', policyFile('base')]);
      expect(outside).toMatchObject({ code: 2, stderr: expect.stringMatching(/not covered/) });
    });
  });
});
