import { UserError } from '../../core/errors';
import { READ_CAPS, readTextCapped } from '../../core/read-capped';
import { inertText } from '../../core/untrusted-text';
import { loadPolicy } from '../../policy/load';
import {
  DEFAULT_SERVE_IMAGE,
  DEFAULT_SERVE_NAME,
  DEFAULT_SERVE_NAMESPACE,
  ENGINES,
  renderHeader,
  renderPolicy,
  renderServed,
  SERVED_ENGINES,
  toYaml,
  type Engine,
  type Rendered,
  type ServedEngine,
  type WebhookOptions,
} from '../../policy/render';
import { caBundleProblem } from '../../policy/render/ca-bundle';
import { parseFlags, type Command } from '../command';

const ALL_ENGINES = [...ENGINES, ...SERVED_ENGINES];

const USAGE = `ship-image policy render --policy FILE --engine ${ENGINES.join('|')}
       ship-image policy render --policy FILE --engine ${SERVED_ENGINES.join('|')} --ca-bundle FILE [serve options]
       ship-image policy check --policy FILE`;

const HELP = `usage: ${USAGE}

  render   print the admission manifests for the engine (multi-document YAML) on stdout;
           what the engine cannot express is printed as warnings on stderr
  check    load and validate the policy file, print a one-line summary

options:
  --policy FILE   the ship-image policy (see docs/policy.md)
  --engine NAME   kyverno (ClusterPolicy), kyverno-ivp (ImageValidatingPolicy),
                  policy-controller (sigstore ClusterImagePolicy): the policy translated for the engine;
                  gatekeeper (external data Provider + ConstraintTemplate + Constraint),
                  webhook (ValidatingWebhookConfiguration): both call 'ship-image serve', deployed with them

serve options (gatekeeper, webhook):
  --ca-bundle FILE         PEM of the CA that signed serve's TLS certificate (required)
  --namespace NS           namespace of serve (default ${DEFAULT_SERVE_NAMESPACE}); never admission-checked
  --name NAME              name of serve's Deployment, Service, Provider/webhook (default ${DEFAULT_SERVE_NAME})
  --serve-image REF        the image running ship-image (default ${DEFAULT_SERVE_IMAGE}: a placeholder)
  --client-ca FILE         require client certificates signed by this CA (Gatekeeper's ca.crt for mTLS)
  --trusted-root FILE      the Sigstore trusted root for 'sigstore: github' (gh attestation trusted-root)
  --cert-manager           add a cert-manager Issuer (CA from Secret <name>-ca) and Certificate (Secret <name>-tls)
  --pods-only              check Pods only, not also the pod templates of Deployments, Jobs, ...
  --image-pull-secret NAME Secret for pulling the serve image
  --registry-secret NAME   kubernetes.io/dockerconfigjson Secret with serve's registry credentials
  --timeout SECONDS        Provider timeout / webhook timeoutSeconds (default: gatekeeper 2, webhook 10)
  --replicas N             serve replicas (default 2)
  --failure-policy P       webhook only: Fail (default) or Ignore
`;

const SERVE_FLAGS = {
  'ca-bundle': { type: 'string' },
  namespace: { type: 'string' },
  name: { type: 'string' },
  'serve-image': { type: 'string' },
  'client-ca': { type: 'string' },
  'trusted-root': { type: 'string' },
  'cert-manager': { type: 'boolean' },
  'pods-only': { type: 'boolean' },
  'image-pull-secret': { type: 'string' },
  'registry-secret': { type: 'string' },
  timeout: { type: 'string' },
  replicas: { type: 'string' },
  'failure-policy': { type: 'string' },
} as const;

type ServeValues = { [K in keyof typeof SERVE_FLAGS]?: (typeof SERVE_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function dnsLabel(value: string, flag: string): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) throw new UserError(`--${flag} '${inertText(value, { max: 100 })}' is not a DNS label (lowercase letters, digits, '-', at most 63)`);
  return value;
}

function integer(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new UserError(`--${flag} must be a whole number from ${min} to ${max} (got '${inertText(value, { max: 100 })}')`);
  return Number(value);
}

function readCa(path: string, flag: string): string {
  const pem = readTextCapped(path, READ_CAPS.certificate, { what: `the --${flag} file`, hint: `check --${flag}` });
  const problem = caBundleProblem(pem);
  if (problem) throw new UserError(`--${flag} ${inertText(path, { max: 1000 })}: ${problem}`);
  return pem;
}

function serveOptions(v: ServeValues, engine: ServedEngine): WebhookOptions {
  if (!v['ca-bundle']) throw new UserError(`--engine ${engine} needs --ca-bundle FILE: the CA that signed serve's TLS certificate, which the ${engine === 'gatekeeper' ? 'Provider' : 'webhook'} trusts`);
  const failurePolicy = v['failure-policy'] ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') throw new UserError(`--failure-policy must be Fail or Ignore (got '${inertText(failurePolicy, { max: 100 })}')`);
  if (engine === 'gatekeeper' && v['failure-policy'] !== undefined) {
    throw new UserError('--failure-policy is the webhook\'s; Gatekeeper fails closed in the rendered Rego, and its own webhook failurePolicy is set when installing Gatekeeper (see docs/admission.md)');
  }
  const image = v['serve-image'] ?? DEFAULT_SERVE_IMAGE;
  if (/\s/.test(image) || image === '') throw new UserError('--serve-image must be an image reference without spaces');
  return {
    namespace: dnsLabel(v.namespace ?? DEFAULT_SERVE_NAMESPACE, 'namespace'),
    name: dnsLabel(v.name ?? DEFAULT_SERVE_NAME, 'name'),
    image,
    caBundlePem: readCa(v['ca-bundle'], 'ca-bundle'),
    clientCaPem: v['client-ca'] ? readCa(v['client-ca'], 'client-ca') : undefined,
    trustedRoot: v['trusted-root']
      ? readTextCapped(v['trusted-root'], READ_CAPS.trustedRoot, { what: 'the --trusted-root file', hint: 'check --trusted-root' })
      : undefined,
    certManager: v['cert-manager'] ?? false,
    podsOnly: v['pods-only'] ?? false,
    imagePullSecret: v['image-pull-secret'] !== undefined ? dnsSubdomain(v['image-pull-secret'], 'image-pull-secret') : undefined,
    registrySecret: v['registry-secret'] !== undefined ? dnsSubdomain(v['registry-secret'], 'registry-secret') : undefined,
    // Gatekeeper's own webhook gives up after 3 s by default: its provider call must end first.
    timeoutSeconds: integer(v.timeout, 'timeout', engine === 'gatekeeper' ? 2 : 10, 1, engine === 'gatekeeper' ? 300 : 30),
    replicas: integer(v.replicas, 'replicas', 2, 1, 100),
    failurePolicy,
  };
}

function dnsSubdomain(value: string, flag: string): string {
  if (value.length > 253 || !value.split('.').every((l) => DNS_LABEL.test(l))) throw new UserError(`--${flag} '${inertText(value, { max: 100 })}' is not a Kubernetes object name`);
  return value;
}

export const policyCommand: Command = {
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { policy: { type: 'string' }, engine: { type: 'string' }, ...SERVE_FLAGS }, USAGE);
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'render' && sub !== 'check') throw new UserError(`expected a subcommand, render or check; usage: ${USAGE}`);
    if (extra.length > 0) throw new UserError(`unexpected argument '${extra[0]}'; usage: ${USAGE}`);
    if (!values.policy) throw new UserError(`--policy FILE is required; usage: ${USAGE}`);
    const serveFlag = Object.keys(SERVE_FLAGS).find((f) => (values as Record<string, unknown>)[f] !== undefined);
    const engine = values.engine;
    const served = (SERVED_ENGINES as readonly string[]).includes(engine ?? '');
    if (serveFlag && (sub === 'check' || !served)) throw new UserError(`--${serveFlag} is a serve option, only for render --engine ${SERVED_ENGINES.join('|')}; usage: ${USAGE}`);
    const policy = loadPolicy(values.policy);
    if (sub === 'check') {
      const rules = Object.entries(policy.require)
        .filter(([, on]) => on)
        .map(([rule]) => rule);
      const where = inertText(values.policy, { max: 1000 });
      process.stdout.write(
        `${where}: ok: policy ${policy.name} (${policy.mode}) for ${policy.images.join(', ')}; requires ${rules.join(', ') || 'nothing'}; ` +
          `${policy.identities.length} identity(ies), ${policy.keys.length} key(s)\n`,
      );
      return 0;
    }
    if (!engine || !(ALL_ENGINES as readonly string[]).includes(engine)) {
      throw new UserError(`--engine must be one of ${ALL_ENGINES.join(', ')}${engine ? ` (got '${inertText(engine, { max: 100 })}')` : ''}; usage: ${USAGE}`);
    }
    const rendered: Rendered = served
      ? renderServed(policy, engine as ServedEngine, serveOptions(values, engine as ServedEngine))
      : renderPolicy(policy, engine as Engine);
    for (const w of rendered.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(toYaml(rendered.documents, renderHeader(engine, values.policy)));
    return 0;
  },
};

/** What src/cli/main.ts loads. */
export const command = policyCommand;
