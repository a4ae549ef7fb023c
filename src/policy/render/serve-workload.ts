// What runs `ship-image serve` in the cluster, shared by the Gatekeeper and webhook renderings:
// ConfigMap (the policy and its files), ServiceAccount, Deployment, Service, and optionally the
// cert-manager Issuer + Certificate that keep its TLS Secret issued.
import { UserError } from '../../core/errors';
import { MANAGED_BY_LABELS } from './common';
import { SERVED_POLICY_FILE, SERVED_TRUSTED_ROOT_FILE, servedPolicyFiles } from './served-policy';
import type { Policy } from '../types';

export const SERVE_PORT = 8443;
export const DEFAULT_SERVE_NAMESPACE = 'ship-image-system';
export const DEFAULT_SERVE_NAME = 'ship-image-serve';
/** A placeholder: publish the ship-image image and pin it by digest (`--serve-image`). */
export const DEFAULT_SERVE_IMAGE = 'ghcr.io/OWNER/ship-image:latest';

const POLICY_DIR = '/etc/ship-image/policy';
const TLS_DIR = '/etc/ship-image/tls';
const REGISTRY_DIR = '/etc/ship-image/registry';
export const CLIENT_CA_FILE = 'client-ca.crt';
// The API server's limit on a ConfigMap (data and metadata together; the metadata is small).
const CONFIGMAP_MAX_BYTES = 1024 * 1024 - 4096;

export interface ServeOptions {
  /** Namespace of the serve workload (excluded from admission, or its own pods could never start). */
  namespace: string;
  /** Name of the Deployment, Service, ServiceAccount, Secret and (cluster-scoped) Provider/webhook. */
  name: string;
  /** The image that runs `ship-image serve`. */
  image: string;
  /** PEM of the CA that signed serve's serving certificate (Provider / webhook `caBundle`). */
  caBundlePem: string;
  /** PEM of the CA whose client certificates serve requires (mTLS; Gatekeeper's CA). */
  clientCaPem?: string;
  /** For `sigstore: github`: the trusted root JSON `serve --trusted-root` reads. */
  trustedRoot?: string;
  /** Emit a cert-manager Issuer (CA from Secret `<name>-ca`) and a Certificate writing Secret `<name>-tls`. */
  certManager: boolean;
  /** Admission of Pods only; otherwise also the pod templates of the workload kinds. */
  podsOnly: boolean;
  /** Secret for pulling the serve image. */
  imagePullSecret?: string;
  /** A kubernetes.io/dockerconfigjson Secret serve reads registry credentials from. */
  registrySecret?: string;
  /** Seconds Gatekeeper (Provider `timeout`) or the API server (`timeoutSeconds`) waits for serve. */
  timeoutSeconds: number;
  replicas: number;
}

export type Doc = Record<string, unknown>;

/** Warnings every serve rendering shares. */
export function serveWarnings(o: ServeOptions): string[] {
  return o.image === DEFAULT_SERVE_IMAGE
    ? [`the Deployment runs the placeholder image ${DEFAULT_SERVE_IMAGE}; pass --serve-image with the ship-image image, pinned by digest`]
    : [];
}

/** What serve cannot run without, said before anything is rendered. */
export function checkServeOptions(policy: Policy, o: ServeOptions): void {
  if (policy.sigstore.kind === 'github' && o.trustedRoot === undefined) {
    throw new UserError(
      `${policy.source}: spec.sigstore: github: serve needs GitHub's trusted root, which ship-image does not ship; save it ('gh attestation trusted-root > github-root.jsonl') and pass --trusted-root github-root.jsonl`,
    );
  }
  const size = Object.values(servedPolicyFiles(policy, o.trustedRoot)).reduce((n, text) => n + Buffer.byteLength(text), 0) + Buffer.byteLength(o.clientCaPem ?? '');
  if (size > CONFIGMAP_MAX_BYTES) {
    throw new UserError(`${policy.source}: the policy with its keys and trusted root is ${size} bytes, over the 1 MiB a ConfigMap holds; trim the trusted root to the instances you use`);
  }
  if (policy.sigstore.kind !== 'github' && o.trustedRoot !== undefined) {
    throw new UserError(`--trusted-root is for a policy with 'sigstore: github'; ${policy.source} sets its root in spec.sigstore, which serve reads`);
  }
}


export function serveLabels(o: ServeOptions): Record<string, string> {
  return { 'app.kubernetes.io/name': 'ship-image-serve', 'app.kubernetes.io/instance': o.name };
}

function labels(o: ServeOptions): Record<string, string> {
  return { ...serveLabels(o), ...MANAGED_BY_LABELS };
}

export function tlsSecretName(o: ServeOptions): string {
  return `${o.name}-tls`;
}

/** The DNS names the serving certificate must carry (what Gatekeeper's URL and the API server dial). */
export function serviceDnsNames(o: ServeOptions): string[] {
  return [`${o.name}.${o.namespace}`, `${o.name}.${o.namespace}.svc`, `${o.name}.${o.namespace}.svc.cluster.local`];
}

export function base64Pem(pem: string): string {
  return Buffer.from(pem.endsWith('\n') ? pem : `${pem}\n`, 'utf8').toString('base64');
}

function serveArgs(policy: Policy, o: ServeOptions, audit: boolean): string[] {
  const args = ['serve', '--policy', `${POLICY_DIR}/${SERVED_POLICY_FILE}`, '--tls-cert', `${TLS_DIR}/tls.crt`, '--tls-key', `${TLS_DIR}/tls.key`];
  if (o.clientCaPem) args.push('--client-ca', `${POLICY_DIR}/${CLIENT_CA_FILE}`);
  args.push('--listen', `:${SERVE_PORT}`);
  if (policy.sigstore.kind === 'github') args.push('--trusted-root', `${POLICY_DIR}/${SERVED_TRUSTED_ROOT_FILE}`);
  if (audit) args.push('--audit');
  return args;
}

/**
 * The workload documents. `audit` passes `serve --audit` (the webhook answers allowed with
 * warnings); Gatekeeper expresses audit mode in the Constraint instead.
 */
export function serveWorkload(policy: Policy, o: ServeOptions, audit: boolean): Doc[] {
  const meta = (name: string) => ({ name, namespace: o.namespace, labels: labels(o) });
  const data = servedPolicyFiles(policy, o.trustedRoot);
  if (o.clientCaPem) data[CLIENT_CA_FILE] = o.clientCaPem;
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${o.name}-policy`), data };
  const serviceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      ...meta(o.name),
      annotations: {
        'ship-image.dev/rbac': 'none: serve reads no Kubernetes API (only the registry and its mounted files), so it gets no Role and no token',
      },
    },
    automountServiceAccountToken: false,
    ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
  };
  const volumeMounts: Doc[] = [
    { name: 'policy', mountPath: POLICY_DIR, readOnly: true },
    { name: 'tls', mountPath: TLS_DIR, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const volumes: Doc[] = [
    { name: 'policy', configMap: { name: `${o.name}-policy` } },
    { name: 'tls', secret: { secretName: tlsSecretName(o) } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
  ];
  const env: Doc[] = [];
  if (o.registrySecret) {
    volumeMounts.push({ name: 'registry', mountPath: REGISTRY_DIR, readOnly: true });
    volumes.push({ name: 'registry', secret: { secretName: o.registrySecret, items: [{ key: '.dockerconfigjson', path: 'config.json' }] } });
    env.push({ name: 'DOCKER_CONFIG', value: REGISTRY_DIR });
  }
  const probe = (path: string) => ({ httpGet: { path, port: 'https', scheme: 'HTTPS' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
  const container: Doc = {
    name: 'serve',
    image: o.image,
    args: serveArgs(policy, o, audit),
    ports: [{ name: 'https', containerPort: SERVE_PORT, protocol: 'TCP' }],
    ...(env.length > 0 ? { env } : {}),
    readinessProbe: probe('/readyz'),
    livenessProbe: probe('/healthz'),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts,
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(o.name),
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: serveLabels(o) },
      template: {
        metadata: { labels: labels(o) },
        spec: {
          serviceAccountName: o.name,
          automountServiceAccountToken: false,
          ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
          containers: [container],
          volumes,
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(o.name),
    spec: { type: 'ClusterIP', selector: serveLabels(o), ports: [{ name: 'https', port: SERVE_PORT, targetPort: 'https', protocol: 'TCP' }] },
  };
  const docs: Doc[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace, labels: MANAGED_BY_LABELS } },
    serviceAccount,
    configMap,
    deployment,
    service,
  ];
  // Admission fails closed while no serve pod is ready: a drain must leave one running.
  if (o.replicas > 1) {
    docs.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(o.name), spec: { minAvailable: 1, selector: { matchLabels: serveLabels(o) } } });
  }
  if (o.certManager) docs.push(...certManager(o));
  return docs;
}

/** A CA Issuer over Secret `<name>-ca` (the CA given as --ca-bundle, with its key) and the serving Certificate. */
function certManager(o: ServeOptions): Doc[] {
  const meta = (name: string) => ({ name, namespace: o.namespace, labels: labels(o) });
  return [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta(`${o.name}-ca`), spec: { ca: { secretName: `${o.name}-ca` } } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(o.name),
      spec: {
        secretName: tlsSecretName(o),
        commonName: `${o.name}.${o.namespace}`,
        dnsNames: serviceDnsNames(o),
        duration: '2160h',
        renewBefore: '360h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['server auth', 'digital signature'],
        issuerRef: { name: `${o.name}-ca`, kind: 'Issuer', group: 'cert-manager.io' },
      },
    },
  ];
}
