// `policy render --engine gatekeeper|webhook`: the manifests that run `ship-image serve` and point
// Gatekeeper's external data or the API server at it, checked against compact forms of the CRD
// schemas (Provider, ConstraintTemplate, the Constraint CRD Gatekeeper generates) and of the
// admissionregistration/v1 and apps/v1 types, plus the checks Gatekeeper and the API server make
// beyond their schemas (caBundle parses, template name = lowercase kind, webhook name segments).
import Ajv from 'ajv';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPolicy, parsePolicy } from '../src/policy/load';
import { renderServed, SERVED_ENGINES, toYaml, type WebhookOptions } from '../src/policy/render';
import { GATEKEEPER_REGO, globRegExp } from '../src/policy/render/gatekeeper-rego';
import type { Policy } from '../src/policy/types';
import vwcSchema from './support/crd-schemas/admissionregistration.k8s.io_v1_validatingwebhookconfiguration.json';
import deploymentSchema from './support/crd-schemas/apps_v1_deployment.json';
import certificateSchema from './support/crd-schemas/cert-manager.io_v1_certificate.json';
import issuerSchema from './support/crd-schemas/cert-manager.io_v1_issuer.json';
import configMapSchema from './support/crd-schemas/core_v1_configmap.json';
import namespaceSchema from './support/crd-schemas/core_v1_namespace.json';
import serviceSchema from './support/crd-schemas/core_v1_service.json';
import serviceAccountSchema from './support/crd-schemas/core_v1_serviceaccount.json';
import pdbSchema from './support/crd-schemas/policy_v1_poddisruptionbudget.json';
import constraintSchema from './support/crd-schemas/constraints.gatekeeper.sh_v1beta1_constraint.json';
import providerSchema from './support/crd-schemas/externaldata.gatekeeper.sh_v1beta1_provider.json';
import templateSchema from './support/crd-schemas/templates.gatekeeper.sh_v1_constrainttemplate.json';
import { parseRego, RegoSet } from './support/rego-subset';
import { makeServerTls, type TestServerTls } from './support/tls';
import { runMain } from './support/run-main';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ajv = new Ajv({ allErrors: true, strict: false });
const validators: Record<string, ReturnType<typeof ajv.compile>> = {
  Provider: ajv.compile(providerSchema),
  ConstraintTemplate: ajv.compile(templateSchema),
  ShipImageVerified: ajv.compile(constraintSchema),
  ValidatingWebhookConfiguration: ajv.compile(vwcSchema),
  Deployment: ajv.compile(deploymentSchema),
  Namespace: ajv.compile(namespaceSchema),
  ServiceAccount: ajv.compile(serviceAccountSchema),
  ConfigMap: ajv.compile(configMapSchema),
  Service: ajv.compile(serviceSchema),
  PodDisruptionBudget: ajv.compile(pdbSchema),
  Certificate: ajv.compile(certificateSchema),
  Issuer: ajv.compile(issuerSchema),
};
/** Flags `ship-image serve` takes (its fixed interface). */
const SERVE_FLAGS = ['--policy', '--tls-cert', '--tls-key', '--client-ca', '--listen', '--audit', '--trusted-root'];

const POLICY = `apiVersion: ship-image/v1
kind: Policy
metadata: {name: production}
spec:
  images: ["ghcr.io/acme/*", "registry.example:5000/team/app"]
  exclude: {namespaces: [kube-system]}
  mode: MODE
  sigstore: SIGSTORE
  identities:
    - issuer: https://token.actions.githubusercontent.com
      subjectRegExp: '^https://github\\.com/acme/ship-image/\\.github/workflows/ship\\.yml@refs/tags/v.*$'
      extensions: {sourceRepositoryURI: 'https://github.com/acme/api'}
  keys: [keys/cosign.pub]
`;

describe('policy render for serve (gatekeeper, webhook)', () => {
  let dir: string;
  let tls: TestServerTls;
  let enforce: Policy;
  let audit: Policy;
  const policyFile = (mode = 'enforce', sigstore = 'public-good') => {
    const file = join(dir, `policy-${mode}-${sigstore}.yaml`);
    writeFileSync(file, POLICY.replace('MODE', mode).replace('SIGSTORE', sigstore));
    return file;
  };
  const options = (o: Partial<WebhookOptions> = {}): WebhookOptions => ({
    namespace: 'ship-image-system',
    name: 'ship-image-serve',
    image: 'ghcr.io/acme/ship-image@sha256:' + 'b'.repeat(64),
    caBundlePem: tls.caPem,
    certManager: false,
    podsOnly: false,
    timeoutSeconds: 2,
    replicas: 2,
    failurePolicy: 'Fail',
    ...o,
  });
  const byKind = (docs: Doc[], kind: string): Doc[] => docs.filter((d) => d.kind === kind);
  const one = (docs: Doc[], kind: string): Doc => {
    const found = byKind(docs, kind);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ship-image-render-serve-'));
    tls = makeServerTls(dir);
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'cosign.pub'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString());
    enforce = loadPolicy(policyFile());
    audit = loadPolicy(policyFile('audit'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(SERVED_ENGINES.map((e) => [e]))('%s', (engine) => {
    it.each([['enforce'], ['audit']])('renders %s manifests the schemas accept', (mode) => {
      const rendered = renderServed(mode === 'enforce' ? enforce : audit, engine, options({ certManager: true, timeoutSeconds: engine === 'gatekeeper' ? 2 : 10 }));
      const kinds = rendered.documents.map((d) => d.kind as string);
      const expected = ['Namespace', 'ServiceAccount', 'ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget', 'Issuer', 'Certificate'];
      expect(kinds).toEqual(engine === 'gatekeeper' ? [...expected, 'Provider', 'ConstraintTemplate', 'ShipImageVerified'] : [...expected, 'ValidatingWebhookConfiguration']);
      for (const doc of rendered.documents) {
        const validate = validators[doc.kind as string]!;
        expect(validate).toBeDefined();
        const ok = validate(doc);
        expect(ok ? [] : validate.errors).toEqual([]);
      }
      const parsed = parseAllDocuments(toYaml(rendered.documents, 'header')).map((d) => d.toJS());
      expect(parsed).toEqual(rendered.documents);
    });

    it('is checked by closed schemas (an unknown field would be caught)', () => {
      const docs = renderServed(enforce, engine, options()).documents as Doc[];
      for (const doc0 of docs) {
        const kind = doc0.kind as string;
        const doc = JSON.parse(JSON.stringify(doc0));
        (doc.spec ?? doc.webhooks?.[0] ?? doc.metadata).notAField = true;
        expect(validators[kind]!(doc)).toBe(false);
      }
    });

    it('runs serve with its interface, the policy from a ConfigMap and TLS from a Secret', () => {
      const docs = renderServed(enforce, engine, options({ certManager: true })).documents as Doc[];
      const deployment = one(docs, 'Deployment');
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      expect(container.args[0]).toBe('serve');
      const flags = container.args.filter((a: string) => a.startsWith('--'));
      for (const f of flags) expect(SERVE_FLAGS).toContain(f);
      const arg = (flag: string) => container.args[container.args.indexOf(flag) + 1];
      expect(arg('--listen')).toBe(':8443');
      const mountOf = (file: string) => container.volumeMounts.find((m: Doc) => file.startsWith(m.mountPath + '/'));
      const volumeOf = (file: string) => pod.volumes.find((v: Doc) => v.name === mountOf(file).name);
      // The policy file and what it references are the ConfigMap's keys, and load back to the same rules.
      const configMap = one(docs, 'ConfigMap');
      expect(volumeOf(arg('--policy')).configMap.name).toBe(configMap.metadata.name);
      const served = mkdtempSync(join(dir, 'served-'));
      for (const [name, text] of Object.entries(configMap.data as Record<string, string>)) writeFileSync(join(served, name), text);
      const policyName = arg('--policy').split('/').pop();
      const loaded = parsePolicy(readFileSync(join(served, policyName), 'utf8'), 'served', served);
      expect({ ...loaded, source: '', keys: loaded.keys.map((k) => ({ ...k, path: '' })) }).toEqual({ ...enforce, source: '', keys: enforce.keys.map((k) => ({ ...k, path: '' })) });
      // TLS: the Secret the cert-manager Certificate writes, for the names the clients dial.
      const certificate = one(docs, 'Certificate');
      expect(volumeOf(arg('--tls-cert')).secret.secretName).toBe(certificate.spec.secretName);
      expect(volumeOf(arg('--tls-key')).secret.secretName).toBe(certificate.spec.secretName);
      expect(certificate.spec.issuerRef).toEqual({ name: one(docs, 'Issuer').metadata.name, kind: 'Issuer', group: 'cert-manager.io' });
      expect(one(docs, 'Issuer').spec).toEqual({ ca: { secretName: 'ship-image-serve-ca' } });
      expect(certificate.spec.dnsNames).toEqual(expect.arrayContaining(['ship-image-serve.ship-image-system', 'ship-image-serve.ship-image-system.svc']));
      // Least privilege: no API access at all, hence no token and no Role.
      const sa = one(docs, 'ServiceAccount');
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(sa.metadata.name);
      expect(sa.metadata.annotations['ship-image.dev/rbac']).toMatch(/no Kubernetes API/);
      expect(docs.filter((d) => /Role/.test(d.kind))).toEqual([]);
      expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      // Service in front of the pods, on serve's port.
      const service = one(docs, 'Service');
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
      expect(service.spec.ports).toEqual([{ name: 'https', port: 8443, targetPort: 'https', protocol: 'TCP' }]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
      expect(one(docs, 'PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: deployment.spec.selector });
      expect(byKind(renderServed(enforce, engine, options({ replicas: 1 })).documents as Doc[], 'PodDisruptionBudget')).toEqual([]);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
      for (const d of docs.filter((x) => !['Provider', 'ConstraintTemplate', 'ShipImageVerified', 'ValidatingWebhookConfiguration', 'Namespace'].includes(x.kind))) {
        expect(d.metadata.namespace).toBe('ship-image-system');
      }
    });

    it('passes the optional serve inputs through: client CA, registry credentials, pull secret, GitHub root', () => {
      const root = '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[]}\n';
      const github = loadPolicy(policyFile('enforce', 'github'));
      const docs = renderServed(github, engine, options({ clientCaPem: tls.caPem, registrySecret: 'regcred', imagePullSecret: 'pull', trustedRoot: root })).documents as Doc[];
      const pod = one(docs, 'Deployment').spec.template.spec;
      const args: string[] = pod.containers[0].args;
      const data = one(docs, 'ConfigMap').data;
      expect(data[args[args.indexOf('--client-ca') + 1]!.split('/').pop()!]).toBe(tls.caPem);
      expect(data[args[args.indexOf('--trusted-root') + 1]!.split('/').pop()!]).toBe(root);
      expect(pod.containers[0].env).toEqual([{ name: 'DOCKER_CONFIG', value: '/etc/ship-image/registry' }]);
      expect(pod.volumes).toContainEqual({ name: 'registry', secret: { secretName: 'regcred', items: [{ key: '.dockerconfigjson', path: 'config.json' }] } });
      expect(pod.imagePullSecrets).toEqual([{ name: 'pull' }]);
      expect(validators.Deployment!(one(docs, 'Deployment'))).toBe(true);
      expect(() => renderServed(github, engine, options())).toThrow(/--trusted-root/);
      expect(() => renderServed(enforce, engine, options({ trustedRoot: root }))).toThrow(/only|is for a policy with 'sigstore: github'/);
    });

    it('keeps serve\'s own namespace and the excluded ones out of admission', () => {
      const docs = renderServed(enforce, engine, options()).documents as Doc[];
      if (engine === 'gatekeeper') {
        expect(one(docs, 'ShipImageVerified').spec.match.excludedNamespaces).toEqual(['ship-image-system', 'kube-system']);
      } else {
        expect(one(docs, 'ValidatingWebhookConfiguration').webhooks[0].namespaceSelector).toEqual({
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['ship-image-system', 'kube-system'] }],
        });
      }
    });

    it('has a caBundle that Gatekeeper and the API server can read (base64 of a PEM certificate)', () => {
      const docs = renderServed(enforce, engine, options()).documents as Doc[];
      const caBundle = engine === 'gatekeeper' ? one(docs, 'Provider').spec.caBundle : one(docs, 'ValidatingWebhookConfiguration').webhooks[0].clientConfig.caBundle;
      const pem = Buffer.from(caBundle, 'base64').toString('utf8');
      expect(new X509Certificate(pem).fingerprint256).toBe(new X509Certificate(tls.caPem).fingerprint256);
    });
  });

  describe('Gatekeeper', () => {
    it('points the Provider at the Service with https and a timeout below Gatekeeper\'s 3 s webhook default', () => {
      const docs = renderServed(enforce, 'gatekeeper', options()).documents as Doc[];
      const provider = one(docs, 'Provider');
      const service = one(docs, 'Service');
      expect(provider.spec.url).toBe(`https://${service.metadata.name}.${service.metadata.namespace}:8443/gatekeeper`);
      expect(provider.spec.timeout).toBe(2);
      const host = new URL(provider.spec.url).hostname;
      const certManagerDocs = renderServed(enforce, 'gatekeeper', options({ certManager: true })).documents as Doc[];
      expect(one(certManagerDocs, 'Certificate').spec.dnsNames).toContain(host);
    });

    it('ties the Constraint to the template, the provider and the policy\'s images', () => {
      const docs = renderServed(enforce, 'gatekeeper', options()).documents as Doc[];
      const template = one(docs, 'ConstraintTemplate');
      const constraint = one(docs, 'ShipImageVerified');
      expect(template.metadata.name).toBe(template.spec.crd.spec.names.kind.toLowerCase());
      expect(constraint.kind).toBe(template.spec.crd.spec.names.kind);
      expect(template.spec.targets[0].rego).toBe(GATEKEEPER_REGO);
      // The parameters validate against the schema the template declares for them.
      const paramSchema = { ...template.spec.crd.spec.validation.openAPIV3Schema, additionalProperties: false };
      expect(ajv.validate(paramSchema, constraint.spec.parameters)).toBe(true);
      expect(constraint.spec.parameters.provider).toBe(one(docs, 'Provider').metadata.name);
      const patterns: string[] = constraint.spec.parameters.imagePatterns;
      const inScope = (image: string) => patterns.some((p) => new RegExp(p).test(image));
      expect(inScope('ghcr.io/acme/api:1.0')).toBe(true);
      expect(inScope('registry.example:5000/team/app')).toBe(true);
      expect(inScope('registry.example:5000/team/app:1')).toBe(false);
      expect(inScope('docker.io/library/nginx')).toBe(false);
      expect(constraint.spec.enforcementAction).toBe('deny');
      expect(one(renderServed(audit, 'gatekeeper', options()).documents as Doc[], 'ShipImageVerified').spec.enforcementAction).toBe('warn');
      // serve enforces what the translating engines cannot: extension pins are not refused.
      expect(enforce.identities[0]!.extensions).toBeDefined();
    });

    it('matches Pods and the workload kinds, or Pods only', () => {
      const kinds = (podsOnly: boolean) => one(renderServed(enforce, 'gatekeeper', options({ podsOnly })).documents as Doc[], 'ShipImageVerified').spec.match.kinds;
      expect(kinds(false)).toEqual([
        { apiGroups: [''], kinds: ['Pod'] },
        { apiGroups: ['apps'], kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] },
        { apiGroups: ['batch'], kinds: ['Job', 'CronJob'] },
      ]);
      expect(kinds(true)).toEqual([{ apiGroups: [''], kinds: ['Pod'] }]);
    });

    it('does not pass --audit: the Constraint carries audit mode', () => {
      const args = one(renderServed(audit, 'gatekeeper', options()).documents as Doc[], 'Deployment').spec.template.spec.containers[0].args;
      expect(args).not.toContain('--audit');
    });
  });

  describe('webhook', () => {
    it('validates pods (and ephemeral containers) and the workload kinds, failing closed', () => {
      const docs = renderServed(enforce, 'webhook', options({ timeoutSeconds: 10 })).documents as Doc[];
      const hook = one(docs, 'ValidatingWebhookConfiguration').webhooks[0];
      expect(hook).toMatchObject({ failurePolicy: 'Fail', sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: 10, matchPolicy: 'Equivalent' });
      expect(hook.clientConfig.service).toEqual({ namespace: 'ship-image-system', name: one(docs, 'Service').metadata.name, path: '/validate', port: 8443 });
      expect(hook.rules.map((r: Doc) => [r.apiGroups[0], r.resources])).toEqual([
        ['', ['pods', 'pods/ephemeralcontainers']],
        ['apps', ['deployments', 'statefulsets', 'daemonsets', 'replicasets']],
        ['batch', ['jobs', 'cronjobs']],
      ]);
      for (const r of hook.rules) expect(r.operations).toEqual(['CREATE', 'UPDATE']);
      const podsOnly = one(renderServed(enforce, 'webhook', options({ podsOnly: true })).documents as Doc[], 'ValidatingWebhookConfiguration');
      expect(podsOnly.webhooks[0].rules).toHaveLength(1);
    });

    it('runs serve --audit in audit mode, and warns about failurePolicy Ignore', () => {
      const argsOf = (p: Policy) => one(renderServed(p, 'webhook', options()).documents as Doc[], 'Deployment').spec.template.spec.containers[0].args;
      expect(argsOf(audit)).toContain('--audit');
      expect(argsOf(enforce)).not.toContain('--audit');
      const ignore = renderServed(enforce, 'webhook', options({ failurePolicy: 'Ignore' }));
      expect(one(ignore.documents as Doc[], 'ValidatingWebhookConfiguration').webhooks[0].failurePolicy).toBe('Ignore');
      expect(ignore.warnings.join('\n')).toMatch(/admitted unchecked/);
      expect(() => renderServed(enforce, 'webhook', options({ timeoutSeconds: 31 }))).toThrow(/at most 30/);
    });
  });

  describe('ship-image policy render (serve engines)', () => {
    const run = (argv: string[]) => runMain(['policy', ...argv]);

    it.each(SERVED_ENGINES.map((e) => [e]))('render --engine %s prints multi-document YAML the schemas accept', async (engine) => {
      const { code, stdout, stderr } = await run(['render', '--policy', policyFile(), '--engine', engine, '--ca-bundle', tls.caFile, '--namespace', 'admission', '--cert-manager']);
      expect(code).toBe(0);
      expect(stdout.startsWith('# Rendered by')).toBe(true);
      const docs = parseAllDocuments(stdout).map((d) => d.toJS()) as Doc[];
      for (const d of docs) expect(validators[d.kind]!(d)).toBe(true);
      expect(one(docs, 'Deployment').metadata.namespace).toBe('admission');
      expect(one(docs, 'Deployment').spec.template.spec.containers[0].image).toBe('ghcr.io/OWNER/ship-image:latest');
      if (engine === 'gatekeeper') {
        expect(one(docs, 'Provider').spec).toMatchObject({ url: 'https://ship-image-serve.admission:8443/gatekeeper', timeout: 2 });
        expect(stderr).toMatch(/validatingWebhookFailurePolicy=Fail/);
      } else {
        expect(one(docs, 'ValidatingWebhookConfiguration').webhooks[0].timeoutSeconds).toBe(10);
      }
    });

    it.each([
      [['--engine', 'gatekeeper'], /needs --ca-bundle FILE/],
      [['--engine', 'kyverno', '--ca-bundle', 'CA'], /--ca-bundle is a serve option/],
      [['--engine', 'gatekeeper', '--ca-bundle', 'CA', '--failure-policy', 'Ignore'], /--failure-policy is the webhook's/],
      [['--engine', 'webhook', '--ca-bundle', 'CA', '--failure-policy', 'Maybe'], /Fail or Ignore/],
      [['--engine', 'webhook', '--ca-bundle', 'CA', '--timeout', '60'], /--timeout must be a whole number from 1 to 30/],
      [['--engine', 'webhook', '--ca-bundle', 'CA', '--namespace', 'Not_A_Label'], /--namespace .* is not a DNS label/],
      [['--engine', 'webhook', '--ca-bundle', 'POLICY'], /--ca-bundle .*: holds no PEM certificate/],
      [['--engine', 'webhook', '--ca-bundle', join(tmpdir(), 'no-such-ca.pem')], /--ca-bundle/],
    ])('refuses %j with a one-line UserError', async (flags, message) => {
      const argv = ['render', '--policy', policyFile(), ...flags.map((f) => (f === 'CA' ? tls.caFile : f === 'POLICY' ? policyFile() : f))];
      const { code, stderr } = await run(argv);
      expect(code).toBe(2); // a UserError: one line, no stack
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    });

    it('says what serve needs for sigstore: github', async () => {
      const { code, stderr } = await run(['render', '--policy', policyFile('enforce', 'github'), '--engine', 'webhook', '--ca-bundle', tls.caFile]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/gh attestation trusted-root/);
    });
  });
});

// The template's Rego evaluated (test/support/rego-subset.ts: no OPA runs here) against the answers
// Gatekeeper's external_data builtin gives it. Those are built as frameworks'
// constraint/pkg/externaldata does: NewRegoResponse splits a ProviderResponse's items into
// `responses` [[key, value]] and `errors` [[key, error]] with the HTTP status; HandleError (provider
// unreachable, timed out, bad JSON) gives only status_code and system_error, its slices nil (null).
describe('the ConstraintTemplate Rego, evaluated', () => {
  const rego = parseRego(GATEKEEPER_REGO);
  const DIGEST = 'sha256:' + 'c'.repeat(64);
  type Item = { key: string; value?: unknown; error?: string };
  const providerResponse = (items: Item[], systemError = '', statusCode = 200) => ({
    responses: items.filter((i) => !i.error).map((i) => [i.key, i.value ?? null]),
    errors: items.filter((i) => i.error).map((i) => [i.key, i.error]),
    status_code: statusCode,
    system_error: systemError,
  });
  const handleError = (statusCode: number, message: string) => ({ responses: null, errors: null, status_code: statusCode, system_error: message });
  const verdict = (image: string, failed: Array<[string, string]> = [], allowed = failed.length === 0) => ({
    image,
    digest: DIGEST,
    allowed,
    rules: [
      ...['signature', 'sbom', 'vulnerabilities'].filter((r) => !failed.some(([f]) => f === r)).map((rule) => ({ rule, passed: true, reason: 'ok' })),
      ...failed.map(([rule, reason]) => ({ rule, passed: false, reason })),
    ],
  });
  const parameters = { provider: 'ship-image-serve', imagePatterns: ['ghcr.io/acme/*', 'docker.io/acme/*', 'docker.io/library/*'].map(globRegExp) };
  const podSpec = {
    initContainers: [{ name: 'init', image: 'ghcr.io/acme/init:1' }],
    containers: [
      { name: 'app', image: 'ghcr.io/acme/api:1.4' },
      { name: 'sidecar', image: 'quay.io/other/proxy:2' },
    ],
    ephemeralContainers: [{ name: 'debug', image: 'ghcr.io/acme/debug@' + DIGEST }],
  };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec };
  const IMAGES = ['ghcr.io/acme/api:1.4', 'ghcr.io/acme/debug@' + DIGEST, 'ghcr.io/acme/init:1'];

  function run(object: unknown, answer: (keys: string[]) => unknown): { messages: string[]; calls: string[][] } {
    const calls: string[][] = [];
    const externalData = (request: unknown) => {
      const { provider, keys } = request as { provider: string; keys: string[] };
      expect(provider).toBe('ship-image-serve');
      calls.push([...keys].sort());
      return answer(keys) as never;
    };
    const violations = rego.query('violation', { review: { object }, parameters } as never, externalData as never) as RegoSet;
    return { messages: violations.values().map((v) => (v as { msg: string }).msg).sort(), calls };
  }

  it('asks once about every in-scope image of every container kind, and admits clean verdicts', () => {
    const { messages, calls } = run(pod, (keys) => providerResponse(keys.map((key) => ({ key, value: verdict(key) }))));
    expect(calls).toEqual([IMAGES]);
    expect(messages).toEqual([]);
  });

  it.each([
    ['Deployment', { spec: { template: { spec: podSpec } } }],
    ['StatefulSet', { spec: { template: { spec: podSpec } } }],
    ['Job', { spec: { template: { spec: podSpec } } }],
    ['CronJob', { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }],
  ])('reads the pod template of a %s', (kind, body) => {
    const { calls } = run({ apiVersion: 'x', kind, metadata: { name: 'w' }, ...body }, (keys) => providerResponse(keys.map((key) => ({ key, value: verdict(key) }))));
    expect(calls).toEqual([IMAGES]);
  });

  it('matches short Docker Hub names in their full form, without a conflict on `name:tag`', () => {
    const spec = { containers: ['nginx:1.27', 'acme/api', 'localhost:5000/x', 'ghcr.io/other/y', 'busybox'].map((image, i) => ({ name: `c${i}`, image })) };
    const { calls } = run({ kind: 'Pod', spec }, (keys) => providerResponse(keys.map((key) => ({ key, value: verdict(key) }))));
    expect(calls).toEqual([['acme/api', 'busybox', 'nginx:1.27']]);
  });

  it('makes no request and no violation when no image is in scope', () => {
    const { messages, calls } = run({ kind: 'Pod', spec: { containers: [{ name: 'a', image: 'quay.io/other/proxy:2' }] } }, () => {
      throw new Error('not called');
    });
    expect(calls).toEqual([]);
    expect(messages).toEqual([]);
  });

  it('names the image, the digest and each failed rule with its reason', () => {
    const { messages } = run(pod, (keys) =>
      providerResponse(keys.map((key) => ({ key, value: key.includes('api') ? verdict(key, [['vulnerabilities', 'CVE-2024-1 is CRITICAL, published 30d ago'], ['sbom', 'no SBOM']]) : verdict(key) }))),
    );
    expect(messages).toEqual([
      `image ghcr.io/acme/api:1.4 (verdict for ${DIGEST}): rule sbom failed: no SBOM`,
      `image ghcr.io/acme/api:1.4 (verdict for ${DIGEST}): rule vulnerabilities failed: CVE-2024-1 is CRITICAL, published 30d ago`,
    ]);
  });

  it('reports failed rules of an audit-mode verdict (allowed, failures listed) so warn shows them', () => {
    const { messages } = run(pod, (keys) => providerResponse(keys.map((key) => ({ key, value: key.includes('init') ? verdict(key, [['signature', 'unsigned']], true) : verdict(key) }))));
    expect(messages).toEqual([`image ghcr.io/acme/init:1 (verdict for ${DIGEST}): rule signature failed: unsigned`]);
  });

  it.each([
    ['an item error', (keys: string[]) => providerResponse(keys.map((key) => (key.includes('api') ? { key, error: 'registry ghcr.io unreachable' } : { key, value: verdict(key) }))), [/^image ghcr.io\/acme\/api:1.4: no verdict: registry ghcr.io unreachable; denied \(fail closed\)$/]],
    ['a systemError', (keys: string[]) => providerResponse(keys.map((key) => ({ key, value: verdict(key) })), 'trust root unavailable'), [/provider ship-image-serve failed: trust root unavailable/]],
    ['an unreachable provider (HandleError)', () => handleError(500, 'failed to send external data request: context deadline exceeded'), [/failed: failed to send external data request: context deadline exceeded; .* denied \(fail closed\)/]],
    ['a non-200 status', (keys: string[]) => providerResponse(keys.map((key) => ({ key, value: verdict(key) })), '', 503), [/answered HTTP 503/]],
    ['a key without an item', (keys: string[]) => providerResponse(keys.filter((k) => !k.includes('debug')).map((key) => ({ key, value: verdict(key) }))), [/^image ghcr.io\/acme\/debug@sha256:c+: the provider gave no verdict; denied \(fail closed\)$/]],
    ['a value that is not a verdict', (keys: string[]) => providerResponse(keys.map((key) => ({ key, value: key.includes('api') ? 'ok' : verdict(key) }))), [/^image ghcr.io\/acme\/api:1.4: denied by ship-image: ok$/]],
    ['a denial without a failed rule', (keys: string[]) => providerResponse(keys.map((key) => ({ key, value: key.includes('api') ? { image: key, allowed: false, rules: [] } : verdict(key) }))), [/^image ghcr.io\/acme\/api:1.4: denied by ship-image: /]],
    ['external_data failing outright', () => {
      throw new Error('builtin error');
    }, [/no answer from provider ship-image-serve for .*denied \(fail closed\)/]],
  ])('fails closed on %s', (_name, answer, expected) => {
    const { messages } = run(pod, answer);
    expect(messages).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(messages[i]).toMatch(re));
  });
});
