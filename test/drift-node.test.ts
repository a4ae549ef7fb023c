import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MemoryStateStore } from '../src/monitor/memory-store';
import type { MonitorState, RunningImage, Workload } from '../src/monitor/model';
import { nodeDrift, onNode, trivyRootScanner, verifiedSbomFetcher, type NodeDriftCache } from '../src/monitor/node';
import { openTrivyScanner } from '../src/monitor/rescan';
import { watchMonitor, type MonitorOutcome } from '../src/monitor/run';
import { runSweep } from '../src/monitor/sweep';
import { RegistryClient } from '../src/oci/registry';
import { loadPolicy } from '../src/policy';
import { ship } from '../src/ship/run';
import { writeFakeProc } from './support/fake-procfs';
import { canBuildRealImages, DRIFT_EXTRA_PACKAGE, realImageLayout, realRootfs } from './support/real-images';
import { startRegistry, type TestRegistry } from './support/registry';
import { runMain } from './support/run-main';
import { shipInputs, shipWorld } from './support/ship-fixture';
import { prepareFixtureDb, trivyBinary } from './support/trivy';

// The node mode end to end on real parts: the real `runtime` Debian image shipped for real (key-signed,
// its trivy SBOM attested) into a real registry; a real process chrooted into the `runtime-drift`
// tree (runtime + one apt package); the attestation verified with verify's code and the policy's key;
// the process's root scanned by the real trivy through /proc/PID/root.
// A chrooted process has no container cgroup, so its container id → pid mapping is given by the test
// (containerProcesses override); the cgroup mapping itself runs on a fake procfs below, whose
// PID/root links to the real drifted tree. The pod list is a double: pod JSON in the API's shape.
const describeReal = canBuildRealImages() ? describe : describe.skip;
jest.setTimeout(40 * 60_000);

const CONTAINER = 'c0ffee'.padEnd(64, '0');
const OTHER_NODE_CONTAINER = 'beef'.padEnd(64, '1');

/** The double's pod list (the fields a v1 PodList carries that the inventory reads), as workloads. */
function podListWorkloads(podList: { items: Array<{ metadata: { namespace: string; name: string }; spec: { nodeName: string }; status: { containerStatuses: Array<{ name: string; image: string; imageID: string; containerID: string }> } }> }): Workload[] {
  return podList.items.flatMap((pod) =>
    pod.status.containerStatuses.map((s) => ({
      cluster: 'double',
      namespace: pod.metadata.namespace,
      kind: 'Pod',
      name: pod.metadata.name,
      pod: pod.metadata.name,
      container: s.name,
      containerKind: 'container' as const,
      image: s.image,
      node: pod.spec.nodeName,
      containerId: s.containerID,
    })),
  );
}

describeReal('monitor node mode: a real drifted process', () => {
  let dir: string;
  let registry: TestRegistry;
  let policyFile: string;
  let image: RunningImage;
  let sleeper: ChildProcess | undefined;
  let pid: number;
  let driftTree: string;
  let trivyCache: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'drift-node-'));
    trivyCache = path.join(dir, 'trivy-cache');
    const [reg, layout, tree] = await Promise.all([startRegistry('open'), realImageLayout('runtime'), realRootfs('runtime-drift'), prepareFixtureDb(trivyCache)]);
    registry = reg;
    driftTree = tree;
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = path.join(dir, 'cosign.key');
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      ['apiVersion: ship-image/v1', 'kind: Policy', 'metadata: {name: drift}', 'spec:', `  images: ["${registry.host}/*"]`, '  sigstore: public-good', '  keys: ["cosign.pub"]', '  require:', '    sbom: true', '    vulnerabilities: false', ''].join('\n'),
    );
    const shipped = await ship(shipInputs(layout.ref, `${registry.host}/acme/runtime`, trivyCache, path.join(dir, 'out'), { sign: 'key', keyFile }), shipWorld(dir));
    const digest = shipped.outputs.digest;

    const podList = {
      items: [
        { metadata: { namespace: 'shop', name: 'api-7d9f-abcde' }, spec: { nodeName: 'node-a' }, status: { containerStatuses: [{ name: 'app', image: `${registry.host}/acme/runtime:v1`, imageID: `${registry.host}/acme/runtime@${digest}`, containerID: `containerd://${CONTAINER}` }] } },
        { metadata: { namespace: 'shop', name: 'api-7d9f-fghij' }, spec: { nodeName: 'node-b' }, status: { containerStatuses: [{ name: 'app', image: `${registry.host}/acme/runtime:v1`, imageID: `${registry.host}/acme/runtime@${digest}`, containerID: `cri-o://${OTHER_NODE_CONTAINER}` }] } },
      ],
    };
    image = { digest, repository: `${registry.host}/acme/runtime`, workloads: podListWorkloads(podList) };

    sleeper = spawn('chroot', [driftTree, 'sleep', '300'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      sleeper!.once('spawn', resolve);
      sleeper!.once('error', reject);
    });
    pid = sleeper.pid!;
    for (let i = 0; i < 600 && (await readlink(`/proc/${pid}/root`).catch(() => '')) !== driftTree; i++) await new Promise((r) => setTimeout(r, 100));
  }, 40 * 60_000);

  afterAll(async () => {
    if (sleeper?.pid) process.kill(sleeper.pid, 'SIGKILL');
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('drift --attested IMAGE --pid PID: the verified SBOM attestation against the running process', async () => {
    const r = await runMain(['drift', '--attested', `${image.repository}@${image.digest}`, '--policy', policyFile, '--insecure-registry', registry.host, '--pid', String(pid), '--trivy', trivyBinary(), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ added: [expect.stringMatching(new RegExp(`^pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@[0-9]`))], removed: [], changed: [] });
  });

  test('nodeDrift finds the drifted process, opens one drift finding, and scans it once', async () => {
    const policy = loadPolicy(policyFile);
    const cache: NodeDriftCache = new Map();
    const opts = {
      images: onNode([image], 'node-a'),
      nodeName: 'node-a',
      procRoot: '/proc',
      attestedSbom: verifiedSbomFetcher(policy, { registry: { insecureRegistries: [registry.host] } }),
      scanRoot: trivyRootScanner({ trivy: trivyBinary() }),
      cache,
      // The chrooted process has no container cgroup: its container id is mapped to it here (see above).
      containerProcesses: async () => new Map([[CONTAINER, pid]]),
    };
    const result = await nodeDrift(opts);
    expect(result.notes).toEqual([]);
    expect(result.scans).toBe(1);
    const added = result.drift[image.digest]!.added;
    expect(added).toEqual([expect.stringMatching(new RegExp(`^pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@`))]);
    expect(result.drift[image.digest]).toEqual({ added, removed: [], changed: [] });
    expect(result.findings).toEqual([
      {
        key: `${image.digest}/drift/${added[0]}`,
        digest: image.digest,
        repository: image.repository,
        kind: 'drift',
        id: added[0],
        severity: 'MEDIUM',
        summary: `${added[0]} runs but is not in the attested SBOM (in shop/api-7d9f-abcde/app)`,
      },
    ]);
    // Nothing changed in the tree: the next sweep reuses the scan.
    const again = await nodeDrift(opts);
    expect(again.scans).toBe(0);
    expect(again.findings).toEqual(result.findings);
  });

  test('the cgroup mapping on a fake procfs whose process root is the real drifted tree', async () => {
    const proc = path.join(dir, 'fake-proc');
    await writeFakeProc(proc, [
      { pid: 1, cgroup: '0::/init.scope\n', root: '/' },
      { pid: 4242, cgroup: `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-${CONTAINER}.scope\n`, root: driftTree },
    ]);
    const result = await nodeDrift({
      images: [image],
      nodeName: 'node-a',
      procRoot: proc,
      attestedSbom: verifiedSbomFetcher(loadPolicy(policyFile), { registry: { insecureRegistries: [registry.host] } }),
      scanRoot: trivyRootScanner({ trivy: trivyBinary() }),
    });
    expect(result.notes).toEqual([]);
    expect(result.findings.map((f) => f.id)).toEqual([expect.stringMatching(new RegExp(`^pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@`))]);
  });

  test('monitor sweep in node mode: one drift finding opened, the record drifted, the next sweep opens nothing and scans no root', async () => {
    const store = new MemoryStateStore();
    const cache: NodeDriftCache = new Map();
    const client = new RegistryClient({ insecureRegistries: [registry.host] });
    const node = { nodeName: 'node-a', procRoot: '/proc', scanRoot: trivyRootScanner({ trivy: trivyBinary() }), cache, containerProcesses: async () => new Map([[CONTAINER, pid]]) };
    const sweep = async (now: Date) => {
      const scanner = await openTrivyScanner({ binary: trivyBinary(), cacheDir: trivyCache });
      try {
        return await runSweep({ inventory: { images: [image], notes: [] }, policy: loadPolicy(policyFile), client, registry: { insecureRegistries: [registry.host] }, scanner, store, now, maxAgeMs: 30 * 86_400_000, node });
      } finally {
        await scanner.close();
      }
    };
    try {
      const t0 = new Date();
      const first = await sweep(t0);
      expect(first.result.notes).toEqual([]);
      expect(first.rootScans).toBe(1);
      const drift = first.result.opened.filter((f) => f.kind === 'drift');
      expect(drift).toEqual([expect.objectContaining({ digest: image.digest, id: expect.stringMatching(new RegExp(`^pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@[0-9]`)), severity: 'MEDIUM' })]);
      expect(first.result.opened).toEqual(drift);
      const [record] = first.result.records;
      // Only this node's pod: the one on node-b is another DaemonSet pod's.
      expect(record!.workloads.map((w) => w.node)).toEqual(['node-a']);
      expect(record!.drift).toEqual({ added: [drift[0]!.id], removed: [], changed: [] });
      expect(first.state.open[drift[0]!.key]).toBeDefined();
      expect(first.state.history).toHaveLength(1);

      const second = await sweep(new Date(t0.getTime() + 60_000));
      expect(second.rootScans).toBe(0);
      expect(second.result.opened).toEqual([]);
      expect(second.result.resolved).toEqual([]);
      expect(second.result.findings).toEqual(first.result.findings);
      expect(second.result.records[0]!.drift).toEqual(record!.drift);
      expect(second.state.history).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  test('watchMonitor --node --every: sweeps of an inventory file through a fake host procfs, with a dir state, until stopped', async () => {
    const proc = path.join(dir, 'fake-proc-loop');
    await writeFakeProc(proc, [{ pid: 777, cgroup: `0::/kubepods.slice/kubepods-pod2.slice/cri-containerd-${CONTAINER}.scope\n`, root: driftTree }]);
    const inventoryFile = path.join(dir, 'inventory.json');
    writeFileSync(inventoryFile, JSON.stringify({ images: [image] }));
    const stateDir = path.join(dir, 'node-state');
    const stop = new AbortController();
    const outcomes: MonitorOutcome[] = [];
    const last = await watchMonitor(
      { source: { kind: 'file', path: inventoryFile }, policy: policyFile, state: stateDir, failOn: 'none', trivy: trivyBinary(), trivyCache, registry: { insecureRegistries: [registry.host] }, node: { nodeName: 'node-a', procRoot: proc } },
      () => new Date(),
      { info() {}, warn() {}, debug() {} },
      {
        everyMs: 1000,
        signal: stop.signal,
        onSweep(outcome) {
          outcomes.push(outcome);
          if (outcomes.length === 2) stop.abort();
        },
      },
    );
    expect(outcomes).toHaveLength(2);
    expect(last).toBe(outcomes[1]);
    expect(outcomes[0]!.result.opened.map((f) => `${f.kind} ${f.id}`)).toEqual([expect.stringMatching(new RegExp(`^drift pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@`))]);
    expect(outcomes[0]!.result.records[0]!.drift?.added).toHaveLength(1);
    expect(outcomes[1]!.result.opened).toEqual([]);
    expect(outcomes[1]!.result.findings.map((f) => f.kind)).toEqual(['drift']);
    const saved = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as MonitorState;
    expect(Object.values(saved.open).map((o) => o.finding.kind)).toEqual(['drift']);
  });
});

describe('monitor --node flags', () => {
  const base = ['monitor', '--inventory', '/nonexistent/inventory.json', '--policy', '/nonexistent/policy.yaml'];
  test.each([
    [['--node'], /--node needs the node: --node-name NAME, or NODE_NAME/],
    [['--node-name', 'node-a'], /--node-name and --proc-root are for --node/],
    [['--proc-root', '/host/proc'], /--node-name and --proc-root are for --node/],
    [['--node', '--node-name=node-a', '--shard', '0/2'], /--node already sweeps one node/],
    [['--node', '--node-name=node-a', '--every=soon'], /--every 'soon' is not a duration/],
    [['--every=10ms'], /--every '10ms' is shorter than a second/],
  ])('%j is a one-line error', async (flags, message) => {
    const r = await runMain([...base, ...flags], { NODE_NAME: '' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
