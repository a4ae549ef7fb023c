import Ajv from 'ajv';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../src/core/errors';
import { PREDICATE } from '../src/oci/media-types';
import { evaluate } from '../src/policy/evaluate';
import { loadPolicy } from '../src/policy/load';
import { ENGINES, renderPolicy, toYaml } from '../src/policy/render';
import { policyControllerGlob, vulnerabilityRego } from '../src/policy/render/policy-controller';
import { attestation, IMAGE_DIGEST } from '../src/policy/testdata/policy';
import { FIXTURE_NOW, VULN_CASES } from '../src/policy/testdata/vuln-fixtures';
import type { Policy } from '../src/policy/types';
import clusterPolicySchema from './support/crd-schemas/kyverno.io_v1_clusterpolicy.json';
import ivpSchema from './support/crd-schemas/policies.kyverno.io_v1_imagevalidatingpolicy.json';
import cipSchema from './support/crd-schemas/policy.sigstore.dev_v1beta1_clusterimagepolicy.json';
import { evaluateKyvernoConditions, evaluateOperator, searchKyverno, substituteVariables, type KyvernoConditionBlock } from './support/kyverno-jmespath';
import { runMain } from './support/run-main';

const POLICY = `apiVersion: ship-image/v1
kind: Policy
metadata: {name: production}
spec:
  images: ["ghcr.io/acme/*"]
  exclude: {namespaces: [kube-system]}
  mode: MODE
  sigstore: SIGSTORE
  identities:
    - issuer: https://token.actions.githubusercontent.com
      subjectRegExp: '^https://github\\.com/acme/ship-image/\\.github/workflows/ship\\.yml@refs/tags/v.*$'
    - issuer: https://token.actions.githubusercontent.com
      subject: https://github.com/acme/ship-image/.github/workflows/release.yml@refs/heads/main
  keys: [cosign.pub]
  require:
    signature: true
    sbom: true
    vulnerabilities: {maxScanAge: 168h, criticalGrace: 168h}
`;

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = {
  ClusterPolicy: ajv.compile(clusterPolicySchema),
  ImageValidatingPolicy: ajv.compile(ivpSchema),
  ClusterImagePolicy: ajv.compile(cipSchema),
};

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('policy rendering', () => {
  let dir: string;
  const policyFile = (mode = 'enforce', sigstore = 'public-good', keys = true) => {
    const file = join(dir, `policy-${mode}-${sigstore.replace(/\W/g, '')}${keys ? '' : '-keyless'}.yaml`);
    writeFileSync(file, POLICY.replace('MODE', mode).replace('SIGSTORE', sigstore).replace(keys ? '' : '  keys: [cosign.pub]\n', ''));
    return file;
  };
  let enforce: Policy;
  let audit: Policy;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ship-image-render-'));
    writeFileSync(join(dir, 'cosign.pub'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString());
    writeFileSync(join(dir, 'github-root.json'), JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [] }));
    // What `gh attestation trusted-root` prints: one root per line (public-good first, then GitHub's).
    const root = (tlogs: unknown[]) => JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs, certificateAuthorities: [] });
    writeFileSync(join(dir, 'roots.jsonl'), `${root([{ baseUrl: 'https://rekor.example' }])}\n${root([])}\n`);
    enforce = loadPolicy(policyFile());
    audit = loadPolicy(policyFile('audit'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // policy-controller's bundle mode is keyless-only: it refuses spec.keys (tested below).
  const forEngine = (p: Policy, engine: string): Policy => (engine === 'policy-controller' ? { ...p, keys: [] } : p);

  describe.each(ENGINES.map((e) => [e]))('%s', (engine) => {
    it.each([['enforce'], ['audit']])('renders a %s manifest its CRD schema accepts', (mode) => {
      const rendered = renderPolicy(forEngine(mode === 'enforce' ? enforce : audit, engine), engine);
      expect(rendered.documents).toHaveLength(1);
      for (const doc of rendered.documents) {
        const validate = validators[doc.kind as keyof typeof validators];
        expect(validate).toBeDefined();
        const ok = validate(doc);
        expect(ok ? [] : validate.errors).toEqual([]);
      }
      // The YAML on stdout parses back to the same objects.
      const parsed = parseAllDocuments(toYaml(rendered.documents, 'header')).map((d) => d.toJS());
      expect(parsed).toEqual(rendered.documents);
    });

    it('is checked by a closed schema (an unknown field would be caught)', () => {
      const doc = JSON.parse(JSON.stringify(renderPolicy(forEngine(enforce, engine), engine).documents[0]));
      doc.spec.notAField = true;
      expect(validators[doc.kind as keyof typeof validators](doc)).toBe(false);
    });

    it('uses the full https predicate URIs', () => {
      const text = JSON.stringify(renderPolicy(forEngine(enforce, engine), engine).documents);
      for (const uri of [PREDICATE.signature, PREDICATE.cyclonedx, PREDICATE.vuln]) expect(text).toContain(JSON.stringify(uri));
    });

    it('refuses identities that pin certificate extensions, which the engine cannot check', () => {
      const pinned = { ...forEngine(enforce, engine), identities: [{ ...enforce.identities[0]!, extensions: { sourceRepositoryURI: 'https://github.com/acme/api' } }] };
      expect(() => renderPolicy(pinned, engine)).toThrow(UserError);
      expect(() => renderPolicy(pinned, engine)).toThrow(/spec\.identities\[0\]\.extensions: .* checks only the issuer and subject/);
    });
  });

  describe('Kyverno ClusterPolicy', () => {
    const clusterPolicy = (p: Policy): Doc => renderPolicy(p, 'kyverno').documents[0];

    it('has the settings the product needs', () => {
      const doc = clusterPolicy(enforce);
      expect(doc.spec).toMatchObject({ validationFailureAction: 'Enforce', background: false, failurePolicy: 'Fail', webhookTimeoutSeconds: 30 });
      const rule = doc.spec.rules[0];
      expect(rule.exclude).toEqual({ any: [{ resources: { namespaces: ['kube-system'] } }] });
      const vi = rule.verifyImages[0];
      expect(vi).toMatchObject({ type: 'SigstoreBundle', imageReferences: ['ghcr.io/acme/*'], mutateDigest: true, verifyDigest: true, required: true, failureAction: 'Enforce' });
      expect(vi.attestations.map((a: Doc) => a.type)).toEqual([PREDICATE.signature, PREDICATE.cyclonedx, PREDICATE.vuln]);
      for (const a of vi.attestations) {
        // Every statement type is tied to the allowed signers; any one of them is enough.
        expect(a.attestors).toHaveLength(1);
        expect(a.attestors[0].count).toBe(1);
        expect(a.attestors[0].entries).toHaveLength(3);
        // Kyverno's own admission validation: keyless needs a Rekor URL or roots.
        for (const e of a.attestors[0].entries.filter((x: Doc) => x.keyless)) expect(e.keyless.rekor.url).toBe('https://rekor.sigstore.dev');
        // A key that needs no Rekor entry (the default) tells Kyverno to look for neither log entry nor SCT.
        expect(a.attestors[0].entries[2].keys).toMatchObject({ rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } });
      }
      const logged = clusterPolicy({ ...enforce, keys: enforce.keys.map((k) => ({ ...k, requireTlog: true })) });
      expect(logged.spec.rules[0].verifyImages[0].attestations[0].attestors[0].entries[2].keys).toEqual({ publicKeys: enforce.keys[0]!.pem, rekor: { url: 'https://rekor.sigstore.dev' } });
    });

    it('turns mutateDigest off in audit mode (Kyverno refuses it with Audit)', () => {
      const vi = clusterPolicy(audit).spec.rules[0].verifyImages[0];
      expect(vi).toMatchObject({ failureAction: 'Audit', mutateDigest: false });
    });

    it('refuses a non-public-good Sigstore, pointing at kyverno-ivp', () => {
      const github = loadPolicy(policyFile('enforce', 'github'));
      expect(() => renderPolicy(github, 'kyverno')).toThrow(UserError);
      expect(() => renderPolicy(github, 'kyverno')).toThrow(/kyverno-ivp/);
    });

    it('warns that it can only require CycloneDX', () => {
      expect(renderPolicy(enforce, 'kyverno').warnings.join(' ')).toMatch(/CycloneDX/);
    });

    describe('vulnerability conditions agree with evaluate()', () => {
      const conditionsOf = (doc: Doc): KyvernoConditionBlock[] =>
        doc.spec.rules[0].verifyImages[0].attestations.find((a: Doc) => a.type === PREDICATE.vuln).conditions;

      it.each(VULN_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const kyverno = evaluateKyvernoConditions(conditionsOf(clusterPolicy(enforce)), c.predicate, FIXTURE_NOW);
        const ours = evaluate(enforce, {
          imageDigest: IMAGE_DIGEST,
          now: FIXTURE_NOW,
          attestations: [attestation(PREDICATE.signature, {}), attestation(PREDICATE.cyclonedx, {}), attestation(PREDICATE.vuln, c.predicate)],
          rejected: [],
        });
        expect(kyverno.passed).toBe(c.allowed);
        expect(ours.allowed).toBe(c.allowed);
        // Missing or unreadable data must deny through an evaluation error, never through luck.
        if (/without|unparseable|Results/.test(c.name) && !c.allowed) expect(kyverno.error).toBeDefined();
      });
    });
  });

  describe('Kyverno ImageValidatingPolicy', () => {
    const ivp = (p: Policy): Doc => renderPolicy(p, 'kyverno-ivp').documents[0];

    it('checks each rule with CEL over every container image', () => {
      const spec = ivp(enforce).spec;
      expect(spec.validationActions).toEqual(['Deny']);
      expect(spec.matchImageReferences).toEqual([{ glob: 'ghcr.io/acme/*' }]);
      expect(spec.matchConstraints.namespaceSelector.matchExpressions[0]).toEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] });
      // One identity per attestor: cosign's bundle path refuses several in one check.
      expect(spec.attestors.map((a: Doc) => a.name)).toEqual(['keyless0', 'keyless1', 'key0']);
      expect(spec.attestors[0].cosign.keyless.identities).toHaveLength(1);
      expect(spec.attestors[1].cosign.keyless.identities).toEqual([{ issuer: enforce.identities[1]!.issuer, subject: enforce.identities[1]!.subject }]);
      expect(spec.attestors[2].cosign.ctlog).toEqual({ insecureIgnoreTlog: true, insecureIgnoreSCT: true });
      const expressions = spec.validations.map((v: Doc) => v.expression).join('\n');
      expect(expressions).toContain('verifyAttestationSignatures(image, attestations.signature, [attestors.keyless0, attestors.keyless1, attestors.key0]) > 0');
      expect(expressions).toContain('|| verifyAttestationSignatures(image, attestations.spdx, ');
      expect(expressions).toContain('|| verifyAttestationSignatures(image, attestations.spdx23, ');
      expect(spec.attestations.map((a: Doc) => a.intoto.type)).toContain(PREDICATE.spdxV23);
      expect(expressions).toContain("time.now() - timestamp(extractPayload(image, attestations.vuln).predicate.metadata.scanFinishedOn) <= duration('168h')");
      expect(expressions).toContain("v.Severity != 'CRITICAL' || time.now() - timestamp(v.PublishedDate) <= duration('168h')");
      expect(expressions).toContain('images.ephemeralContainers');
      expect(ivp(audit).spec.validationActions).toEqual(['Audit']);
    });

    it('inlines a trusted root and relies on signed timestamps when it has no transparency log', () => {
      const withRoot = ivp(loadPolicy(policyFile('enforce', '{trustedRoot: github-root.json}')));
      expect(withRoot.spec.attestors[0].cosign.trustedRoot.value).toContain('trustedroot');
      expect(withRoot.spec.attestors[0].cosign.ctlog).toEqual({ insecureIgnoreTlog: true });
      expect(validators.ImageValidatingPolicy(withRoot)).toBe(true);
      // The JSON Lines of `gh attestation trusted-root`: one attestor per root, each root inlined alone.
      const jsonl = loadPolicy(policyFile('enforce', '{trustedRoot: roots.jsonl}'));
      const two = ivp(jsonl).spec;
      expect(two.attestors.map((a: Doc) => a.name)).toEqual(['keyless0_root0', 'keyless1_root0', 'key0_root0', 'keyless0_root1', 'keyless1_root1', 'key0_root1']);
      expect(JSON.parse(two.attestors[0].cosign.trustedRoot.value)).toMatchObject({ tlogs: [{ baseUrl: 'https://rekor.example' }] });
      expect(two.attestors[0].cosign.ctlog).toBeUndefined();
      expect(JSON.parse(two.attestors[3].cosign.trustedRoot.value)).toMatchObject({ tlogs: [] });
      expect(two.attestors[3].cosign.ctlog).toEqual({ insecureIgnoreTlog: true });
      expect(validators.ImageValidatingPolicy(ivp(jsonl))).toBe(true);
      // The validations name them as CEL field selections (`attestors.<name>`): identifiers only.
      for (const a of [...two.attestors, ...two.attestations]) expect(a.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      // A key that must be logged has no attestor under a root without a log.
      const logged = ivp({ ...jsonl, keys: jsonl.keys.map((k) => ({ ...k, requireTlog: true })) }).spec;
      expect(logged.attestors.map((a: Doc) => a.name)).toEqual(['keyless0_root0', 'keyless1_root0', 'key0_root0', 'keyless0_root1', 'keyless1_root1']);
      expect(logged.attestors[2].cosign.ctlog).toBeUndefined();
      expect(() => renderPolicy(loadPolicy(policyFile('enforce', 'github')), 'kyverno-ivp')).toThrow(/gh attestation trusted-root/);
    });
  });

  describe('policy-controller ClusterImagePolicy', () => {
    const cip = (p: Policy): Doc => renderPolicy(p, 'policy-controller').documents[0];
    let keyless: Policy;
    beforeAll(() => (keyless = { ...enforce, keys: [] }));

    it('ORs authorities over (signer, SBOM format) and ANDs the attestations inside each', () => {
      const spec = cip(keyless).spec;
      expect(spec.mode).toBe('enforce');
      expect(cip({ ...audit, keys: [] }).spec.mode).toBe('warn');
      expect(spec.images).toEqual([{ glob: 'ghcr.io/acme/**' }]);
      // One identity per authority: cosign's bundle path refuses several in one check.
      expect(spec.authorities.map((a: Doc) => a.name)).toEqual(['keyless0-cyclonedx', 'keyless0-spdx', 'keyless0-spdx23', 'keyless1-cyclonedx', 'keyless1-spdx', 'keyless1-spdx23']);
      const sbomType: Record<string, string> = { cyclonedx: PREDICATE.cyclonedx, spdx: PREDICATE.spdx, spdx23: PREDICATE.spdxV23 };
      for (const a of spec.authorities) {
        expect(a.signatureFormat).toBe('bundle');
        expect(a.keyless.identities).toHaveLength(1);
        expect(a.attestations.map((x: Doc) => x.predicateType)).toEqual([PREDICATE.signature, sbomType[a.name.split('-')[1]], PREDICATE.vuln]);
        // policy-controller's webhook validation: keyless needs a Fulcio url or CA; policy type cue|rego.
        if (a.keyless) expect(a.keyless.url).toBe('https://fulcio.sigstore.dev');
        expect(a.attestations[2].policy.type).toBe('rego');
      }
    });

    it('refuses key-signed images: its bundle mode verifies keyless signers only', () => {
      expect(() => cip(enforce)).toThrow(UserError);
      expect(() => cip(enforce)).toThrow(/spec\.keys: policy-controller verifies Sigstore bundles .* keyless signers only/);
    });

    it('writes Rego the cosign evaluator queries, with exact nanosecond windows', () => {
      const rego = vulnerabilityRego(enforce.require.vulnerabilities!);
      expect(rego).toMatch(/^package sigstore\n/);
      expect(rego).toContain('default isCompliant = false');
      expect(rego).toContain('max_scan_age_ns = 604800000000000');
      expect(rego).toContain('time.parse_rfc3339_ns(v.PublishedDate)');
      expect(rego).toContain('time.now_ns()');
    });

    it('translates globs so `*` still crosses `/`', () => {
      expect(policyControllerGlob('ghcr.io/acme/*')).toBe('ghcr.io/acme/**');
      expect(policyControllerGlob('ghcr.io/**')).toBe('ghcr.io/**');
    });

    it('warns about what it cannot express', () => {
      const warnings = renderPolicy(keyless, 'policy-controller').warnings.join('\n');
      expect(warnings).toMatch(/policy\.sigstore\.dev\/include/);
      expect(warnings).toMatch(/ANY verified scan/);
    });
  });

  describe('ship-image policy', () => {
    const run = (argv: string[]) => runMain(['policy', ...argv]);

    it.each(ENGINES.map((e) => [e]))('render --engine %s prints valid multi-document YAML', async (engine) => {
      const { code, stdout } = await run(['render', '--policy', policyFile('enforce', 'public-good', engine !== 'policy-controller'), '--engine', engine]);
      expect(code).toBe(0);
      expect(stdout.startsWith('# Rendered by')).toBe(true);
      const docs = parseAllDocuments(stdout).map((d) => d.toJS());
      expect(docs).toHaveLength(1);
      expect(validators[docs[0].kind as keyof typeof validators](docs[0])).toBe(true);
    });

    it('check prints a summary', async () => {
      const { code, stdout } = await run(['check', '--policy', policyFile()]);
      expect(code).toBe(0);
      expect(stdout).toContain('ok: policy production (enforce)');
    });

    it.each([
      [['render', '--policy', 'x.yaml', '--engine', 'opa']],
      [['render', '--engine', 'kyverno']],
      [['frobnicate', '--policy', 'x.yaml']],
      [['render', '--policy']],
    ])('refuses %j with a UserError', async (argv) => {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2); // a UserError: one line, no stack
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });
});

describe('Kyverno JMESPath evaluator (test support)', () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it('substitutes nested variables like the official require-vulnerability-scan sample', () => {
    const predicate = { metadata: { scanFinishedOn: '2025-06-01T10:30:00Z' } };
    expect(substituteVariables("{{ time_since('','{{metadata.scanFinishedOn}}','') }}", predicate, now)).toBe('1h30m0s');
    expect(substituteVariables('scan at {{metadata.scanFinishedOn}}', predicate, now)).toBe('scan at 2025-06-01T10:30:00Z');
    expect(substituteVariables('{{ metadata }}', predicate, now)).toEqual(predicate.metadata);
  });

  it('fails substitution on a missing key inside a path, as Kyverno does', () => {
    expect(() => substituteVariables("{{ time_since('','{{metadata.scanFinishedOn}}','') }}", { metadata: {} }, now)).toThrow(/scanFinishedOn/);
  });

  it('implements the time functions with Go formatting', () => {
    expect(searchKyverno('time_now_utc()', {}, now)).toBe('2025-06-01T12:00:00Z');
    expect(searchKyverno("time_add('2025-06-01T12:00:00Z', '-168h')", {}, now)).toBe('2025-05-25T12:00:00Z');
    expect(searchKyverno("time_diff('2025-06-01T12:00:00Z', '2025-06-01T13:00:01Z')", {}, now)).toBe('1h0m1s');
    expect(searchKyverno("time_before('2025-06-01T11:00:00Z', '2025-06-01T12:00:00Z')", {}, now)).toBe(true);
    expect(searchKyverno("time_after('2025-06-01T11:00:00Z', '2025-06-01T12:00:00Z')", {}, now)).toBe(false);
    expect(searchKyverno("time_parse('1', '1717243200')", {}, now)).toBe('2024-06-01T12:00:00Z');
    expect(searchKyverno("time_truncate('2025-06-01T12:34:56Z', '1h')", {}, now)).toBe('2025-06-01T12:00:00Z');
    expect(() => searchKyverno('time_before(missing, time_now_utc())', {}, now)).toThrow(/expected string/);
  });

  it('short-circuits && so a non-CRITICAL entry never evaluates its date', () => {
    const data = [{ Severity: 'HIGH' }, { Severity: 'CRITICAL', PublishedDate: '2020-01-01T00:00:00Z' }];
    expect(searchKyverno("[?Severity=='CRITICAL' && time_before(PublishedDate, time_now_utc())] | length(@)", data, now)).toBe(1);
    expect(() => searchKyverno("[?Severity=='HIGH' && time_before(PublishedDate, time_now_utc())] | length(@)", data, now)).toThrow();
  });

  it('compares durations and numbers like Kyverno operators', () => {
    expect(evaluateOperator('LessThanOrEquals', '167h59m0s', '168h')).toBe(true);
    expect(evaluateOperator('LessThanOrEquals', '168h0m1s', '168h')).toBe(false);
    expect(evaluateOperator('GreaterThan', '2h', 3600)).toBe(true);
    expect(evaluateOperator('DurationLessThan', '30m', '1h')).toBe(true);
    expect(evaluateOperator('Equals', 0, 0)).toBe(true);
    expect(evaluateOperator('Equals', '1h0m0s', '60m')).toBe(true);
    expect(evaluateOperator('Equals', 'ghcr.io/acme/api', 'ghcr.io/acme/*')).toBe(true);
    expect(evaluateOperator('AnyIn', ['a', 'b'], ['b'])).toBe(true);
    expect(evaluateOperator('AllIn', ['a', 'b'], ['b'])).toBe(false);
    expect(evaluateOperator('AnyNotIn', ['a', 'b'], ['b'])).toBe(true);
    expect(evaluateOperator('AllNotIn', ['a'], ['b'])).toBe(true);
  });

  it('evaluates any/all blocks and reports failed messages', () => {
    const blocks: KyvernoConditionBlock[] = [
      { all: [{ key: 1, operator: 'Equals', value: 1 }], any: [{ key: 'a', operator: 'Equals', value: 'b', message: 'no a' }, { key: 'c', operator: 'Equals', value: 'd', message: 'no c' }] },
    ];
    expect(evaluateKyvernoConditions(blocks, {}, now)).toEqual({ passed: false, failed: ['no a', 'no c'] });
  });
});
