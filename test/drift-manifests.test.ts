import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseEvery } from '../src/monitor/run';
import { parsePolicy } from '../src/policy';
import { runMain } from './support/run-main';

// The node mode's DaemonSet: least privilege, checked on the manifest as shipped.
const FILE = path.join(__dirname, '..', 'deploy', 'monitor', 'node-daemonset.yaml');

type Doc = { kind: string; rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>; data?: Record<string, string>; spec?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('deploy/monitor/node-daemonset.yaml', () => {
  const docs = parseAllDocuments(readFileSync(FILE, 'utf8')).map((d) => d.toJS() as Doc);
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);

  test('RBAC: list pods, nothing else', () => {
    expect(byKind('ClusterRole').map((r) => r.rules)).toEqual([[{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]]);
    expect(byKind('Role')).toEqual([]);
  });

  test('host PID and a read-only host /proc; one added capability, no privilege, read-only root', () => {
    const [ds] = byKind('DaemonSet');
    const pod = ds!.spec.template.spec;
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBe(false);
    const [container] = pod.containers;
    const procMount = container.volumeMounts.find((m: { name: string }) => m.name === 'host-proc');
    expect(procMount).toEqual({ name: 'host-proc', mountPath: '/host/proc', readOnly: true });
    expect(pod.volumes.find((v: { name: string }) => v.name === 'host-proc').hostPath.path).toBe('/proc');
    for (const v of pod.volumes) if (v.hostPath) expect(container.volumeMounts.find((m: { name: string }) => m.name === v.name).readOnly).toBe(true);
    expect(container.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } });
    expect(container.env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(container.args).toEqual(expect.arrayContaining(['monitor', '--node', '--node-name=$(NODE_NAME)', '--proc-root=/host/proc']));
  });

  test("the container's args are `ship-image monitor`'s flags", async () => {
    const [ds] = byKind('DaemonSet');
    const args = (ds!.spec.template.spec.containers[0].args as string[]).map((a) => a.replaceAll('$(NODE_NAME)', 'node-a'));
    // Strict flag parsing runs before --help answers: an unknown flag would be exit 2.
    const r = await runMain([...args, '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const every = args.find((a) => a.startsWith('--every='));
    expect(parseEvery(every!.slice('--every='.length))).toBe(15 * 60_000);
  });

  test('the example policy is a valid policy', () => {
    const [cm] = byKind('ConfigMap');
    expect(() => parsePolicy(cm!.data!['policy.yaml']!, 'policy.yaml', '/')).not.toThrow();
  });
});
