import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFakeProc } from '../../../test/support/fake-procfs';
import type { BaseSbom } from '../../prcheck/base-sbom';
import type { RunningImage, Workload } from '../model';
import { nodeDrift, type NodeDriftCache } from './node-drift';

const C1 = '1'.repeat(64);
const C2 = '2'.repeat(64);
const C3 = '3'.repeat(64);
const C4 = '4'.repeat(64);
const D1 = `sha256:${'d'.repeat(64)}`;
const D2 = `sha256:${'e'.repeat(64)}`;

const cdx = (purls: string[]) => ({ bomFormat: 'CycloneDX', specVersion: '1.5', components: purls.map((purl) => ({ type: 'library', name: purl, purl })) });

function workload(pod: string, containerId: string, node = 'node-a', extra: Partial<Workload> = {}): Workload {
  return { cluster: 'c', namespace: 'shop', kind: 'Deployment', name: 'api', pod, container: 'app', containerKind: 'container', image: 'reg/shop/api:1', node, containerId: `containerd://${containerId}`, ...extra };
}

// A tree whose "packages" are listed in its dpkg status file; the scanner double reads them back.
async function tree(dir: string, purls: string[]): Promise<string> {
  await mkdir(path.join(dir, 'var/lib/dpkg'), { recursive: true });
  await writeFile(path.join(dir, 'var/lib/dpkg/status'), purls.join('\n'));
  return dir;
}

describe('nodeDrift (a fake procfs, synthetic SBOMs)', () => {
  let work: string;
  let proc: string;
  const scanned: string[] = [];
  const skipped: Record<string, string[]> = {};
  const scanRoot = async (root: string, skipDirs: string[]) => {
    scanned.push(root);
    skipped[root] = skipDirs;
    return cdx((await readFile(path.join(root, 'var/lib/dpkg/status'), 'utf8')).split('\n').filter(Boolean));
  };
  const attested: Record<string, BaseSbom> = {
    [D1]: { found: true, digest: D1, predicateType: 'https://cyclonedx.org/bom', signedBy: 'ci', document: cdx(['pkg:deb/debian/libc6@2.36-9?arch=amd64', 'pkg:deb/debian/bash@5.2']) },
    [D2]: { found: false, reason: `no SBOM attestation for ${D2} from a signer the policy allows` },
  };
  let images: RunningImage[];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'node-drift-'));
    const clean = await tree(path.join(work, 'clean'), ['pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12', 'pkg:deb/debian/bash@5.2']);
    const drifted = await tree(path.join(work, 'drifted'), ['pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64', 'pkg:deb/debian/bash@5.2', 'pkg:deb/debian/curl@7.88.1']);
    proc = path.join(work, 'proc');
    await writeFakeProc(proc, [
      { pid: 1, cgroup: '0::/init.scope\n', root: '/' },
      { pid: 100, cgroup: `0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${C1}.scope\n`, root: clean },
      { pid: 200, cgroup: `0::/kubepods/burstable/pod2/${C2}\n`, root: clean },
      { pid: 300, cgroup: `0::/kubepods.slice/crio-${C3}.scope\n`, root: drifted, mountinfo: '1 0 0:1 / / rw - overlay overlay rw\n2 1 0:2 / /data rw - ext4 /dev/sda rw\n' },
      { pid: 400, cgroup: `0::/kubepods.slice/crio-${C4}.scope\n`, root: clean },
    ]);
    images = [
      {
        digest: D1,
        repository: 'reg/shop/api',
        workloads: [workload('api-1', C1), workload('api-2', C2), workload('api-3', C3), workload('api-4', 'f'.repeat(64)), workload('elsewhere', C4, 'node-b'), workload('init', '9'.repeat(64), 'node-a', { containerKind: 'init' })],
      },
      { digest: D2, repository: 'reg/shop/web', workloads: [workload('web-1', C4)] },
    ];
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('maps containers to processes, scans each root once per digest and package state, and reports drift findings', async () => {
    const cache: NodeDriftCache = new Map();
    const result = await nodeDrift({ images, nodeName: 'node-a', procRoot: proc, attestedSbom: async (i) => attested[i.digest]!, scanRoot, cache });
    // api-1 and api-2 share one tree: one scan; api-3 has its own; node-b's container is not ours.
    expect(scanned.sort()).toEqual([path.join(proc, '100', 'root'), path.join(proc, '300', 'root')]);
    expect(result.scans).toBe(2);
    // The container's volumes are left out of its scan.
    expect(skipped[path.join(proc, '300', 'root')]).toEqual(['data']);
    expect(result.drift).toEqual({
      [D1]: { added: ['pkg:deb/debian/curl@7.88.1'], removed: [], changed: [{ name: 'pkg:deb/debian/libc6', from: '2.36-9', to: '2.36-9+deb12u1' }] },
    });
    expect(result.findings).toEqual([
      {
        key: `${D1}/drift/pkg:deb/debian/curl@7.88.1`,
        digest: D1,
        repository: 'reg/shop/api',
        kind: 'drift',
        id: 'pkg:deb/debian/curl@7.88.1',
        severity: 'MEDIUM',
        summary: 'pkg:deb/debian/curl@7.88.1 runs but is not in the attested SBOM (in shop/api-3/app)',
      },
      {
        key: `${D1}/drift/pkg:deb/debian/libc6@2.36-9+deb12u1`,
        digest: D1,
        repository: 'reg/shop/api',
        kind: 'drift',
        id: 'pkg:deb/debian/libc6@2.36-9+deb12u1',
        severity: 'MEDIUM',
        summary: 'pkg:deb/debian/libc6 is 2.36-9+deb12u1 where the attested SBOM says 2.36-9 (in shop/api-3/app)',
      },
    ]);
    expect(result.notes).toEqual([
      { source: 'shop/api-4/app', message: 'no process of container ffffffffffff on this node (it may have just exited)' },
      { source: D2, message: `drift not checked: no SBOM attestation for ${D2} from a signer the policy allows` },
    ]);

    // The next sweep with nothing changed scans nothing; a package install in one tree rescans that tree only.
    scanned.length = 0;
    const again = await nodeDrift({ images, nodeName: 'node-a', procRoot: proc, attestedSbom: async (i) => attested[i.digest]!, scanRoot, cache });
    expect(again.scans).toBe(0);
    expect(again.findings).toEqual(result.findings);
    const status = path.join(work, 'clean', 'var/lib/dpkg/status');
    await writeFile(status, (await readFile(status, 'utf8')) + '\npkg:deb/debian/less@590-2');
    const third = await nodeDrift({ images, nodeName: 'node-a', procRoot: proc, attestedSbom: async (i) => attested[i.digest]!, scanRoot, cache });
    expect(scanned).toEqual([path.join(proc, '100', 'root')]);
    // The entry of the tree's previous state is gone: the cache holds what runs now.
    expect(cache.size).toBe(2);
    expect(third.drift[D1]!.added).toEqual(['pkg:deb/debian/curl@7.88.1', 'pkg:deb/debian/less@590-2']);
    expect(third.findings.find((f) => f.id === 'pkg:deb/debian/less@590-2')!.summary).toBe('pkg:deb/debian/less@590-2 runs but is not in the attested SBOM (in shop/api-1/app and 1 more)');
  });

  it('a scan that fails is a note for that container, not a failed sweep', async () => {
    const result = await nodeDrift({
      images: [images[0]!],
      nodeName: 'node-a',
      procRoot: proc,
      attestedSbom: async (i) => attested[i.digest]!,
      scanRoot: async () => {
        throw new Error('trivy rootfs failed (exit 1): \u001b[31mboom');
      },
    });
    expect(result.findings).toEqual([]);
    // Not checked is no verdict: no record drift at all.
    expect(result.drift).toEqual({});
    expect(result.notes.filter((n) => n.message.startsWith('drift not checked')).map((n) => n.source)).toEqual(['shop/api-1/app', 'shop/api-2/app', 'shop/api-3/app']);
    expect(result.notes[1]!.message).toBe('drift not checked: trivy rootfs failed (exit 1): [31mboom');
  });
});
