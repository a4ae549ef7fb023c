/**
 * deploy/monitor/: the manifests parse, the RBAC is "list pods" and nothing more, the jobs run the
 * monitor with flags it has, the sharded one is an Indexed Job whose --shard matches its size, and
 * the real kubectl accepts them (`create --dry-run=client`, discovery from the Kubernetes API TEST
 * DOUBLE, since no cluster runs here).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { startKubeApiDouble, type KubeApiDouble } from './support/kube-api-double';
import { makeServerTls } from './support/tls';
import { FLAGS as MONITOR_FLAGS } from '../src/cli/commands/monitor';

jest.setTimeout(120_000);
const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', 'deploy', 'monitor');
const FILES = ['namespace.yaml', 'rbac.yaml', 'cronjob.yaml', 'sharded/cronjob.yaml'];
// ship-image monitor (--kubeconfig FILE [--context C]... | --in-cluster | --inventory FILE) --policy FILE
// [--state LOCATION] [--report DIR] [--shard I/N] [--alerts FILE] [--max-age 30d] [--json]
// The monitor command's own flags, as it parses them.
const VALUE_FLAGS = new Set(Object.entries(MONITOR_FLAGS).filter(([, f]) => f.type === 'string').map(([name]) => `--${name}`));
const BOOLEAN_FLAGS = new Set(Object.entries(MONITOR_FLAGS).filter(([, f]) => f.type === 'boolean').map(([name]) => `--${name}`));

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

function load(file: string): Doc[] {
  const docs = parseAllDocuments(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Doc);
}

const all = FILES.flatMap((f) => load(f).map((doc) => ({ file: f, doc })));
const ofKind = (kind: string) => all.filter((x) => x.doc.kind === kind).map((x) => x.doc);

interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
  containers: Array<{ args: string[]; image: string; securityContext: Record<string, unknown>; volumeMounts: Array<{ name: string; mountPath: string }> }>;
  volumes: Array<Record<string, unknown> & { name: string }>;
}

function jobSpec(cron: Doc): { completionMode?: string; completions?: number; parallelism?: number; template: { spec: PodSpec } } {
  return (cron.spec as { jobTemplate: { spec: ReturnType<typeof jobSpec> } }).jobTemplate.spec;
}

test('every document parses and names what it is', () => {
  expect(all.map((x) => `${x.file}:${x.doc.kind}`)).toEqual([
    'namespace.yaml:Namespace', 'rbac.yaml:ServiceAccount', 'rbac.yaml:ClusterRole', 'rbac.yaml:ClusterRoleBinding', 'cronjob.yaml:CronJob', 'sharded/cronjob.yaml:CronJob',
  ]);
  for (const { doc } of all) {
    expect(typeof doc.apiVersion).toBe('string');
    expect(doc.metadata.name).toMatch(/^ship-image-monitor/);
    if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(doc.kind)) expect(doc.metadata.namespace).toBe('ship-image-monitor');
  }
});

test('RBAC: one ClusterRole allowing list on pods, nothing else, bound to the monitor\'s service account only', () => {
  expect(ofKind('Role')).toEqual([]);
  expect(ofKind('RoleBinding')).toEqual([]);
  const [role] = ofKind('ClusterRole');
  expect(ofKind('ClusterRole')).toHaveLength(1);
  expect((role as unknown as { rules: unknown }).rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
  expect(role).not.toHaveProperty('aggregationRule');
  const [binding] = ofKind('ClusterRoleBinding') as unknown as Array<{ roleRef: unknown; subjects: unknown }>;
  expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  const [sa] = ofKind('ServiceAccount');
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
});

test('the jobs run `ship-image monitor --in-cluster` with its own flags, state in the registry, no persistent volume', () => {
  const crons = ofKind('CronJob');
  expect(crons).toHaveLength(2);
  for (const cron of crons) {
    expect((cron.spec as { concurrencyPolicy: string }).concurrencyPolicy).toBe('Forbid');
    const pod = jobSpec(cron).template.spec;
    expect(pod.serviceAccountName).toBe('ship-image-monitor');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.containers).toHaveLength(1);
    const [c] = pod.containers;
    const [command, ...flags] = c.args;
    expect(command).toBe('monitor');
    for (let i = 0; i < flags.length; i++) {
      if (BOOLEAN_FLAGS.has(flags[i])) continue;
      expect(VALUE_FLAGS.has(flags[i]) ? flags[i] : `unknown flag ${flags[i]}`).toBe(flags[i]);
      i++;
    }
    expect(flags).toContain('--in-cluster');
    expect(flags[flags.indexOf('--state') + 1]).toMatch(/^oci:\/\/[^/]+\/.+:.+$/);
    expect(flags).toContain('--policy');
    expect(pod.volumes.some((v) => 'persistentVolumeClaim' in v || 'hostPath' in v)).toBe(false);
    expect(c.securityContext).toEqual(expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }));
  }
});

test('the sharded CronJob runs an Indexed Job whose pods sweep --shard $(JOB_COMPLETION_INDEX)/N, N = completions', () => {
  const sharded = ofKind('CronJob').find((c) => c.metadata.name.endsWith('-sharded'))!;
  const job = jobSpec(sharded);
  expect(job.completionMode).toBe('Indexed');
  expect(job.parallelism).toBe(job.completions);
  const args = job.template.spec.containers[0].args;
  expect(args[args.indexOf('--shard') + 1]).toBe(`$(JOB_COMPLETION_INDEX)/${job.completions}`);
  const single = ofKind('CronJob').find((c) => c !== sharded)!;
  expect(jobSpec(single).template.spec.containers[0].args).not.toContain('--shard');
});

describe('the real kubectl', () => {
  let dir: string;
  let api: KubeApiDouble;
  let kubeconfig: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mon-manifests-'));
    const tls = makeServerTls(dir);
    api = await startKubeApiDouble({ tls, tokens: ['t'], pods: [] });
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'double',
      clusters: [{ name: 'double', cluster: { server: api.url, 'certificate-authority': tls.caFile } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'double', context: { cluster: 'double', user: 'u' } }],
    }));
  });
  afterAll(async () => {
    await api?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('`kubectl create --dry-run=client -o json` accepts every manifest and creates nothing', async () => {
    const args = ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), 'create', '--dry-run=client', '--validate=false', '-o', 'json'];
    for (const f of FILES) args.push('-f', path.join(ROOT, f));
    const { stdout, stderr } = await run('/usr/bin/kubectl', args, { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: dir } });
    expect(stderr).toBe('');
    // One pretty-printed object per document, back to back.
    const items = stdout.split(/\n(?=\{\n)/).map((text) => JSON.parse(text) as Doc);
    expect(items.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(all.map((x) => `${x.doc.kind}/${x.doc.metadata.name}`));
    // Client-side dry run: discovery only, no object sent.
    expect(api.requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
  });
});
