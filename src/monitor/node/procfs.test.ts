import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFakeProc } from '../../../test/support/fake-procfs';
import { containerProcesses, processRootDir } from './procfs';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('containerProcesses (a fake procfs)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fake-proc-'));
    await writeFakeProc(dir, [
      { pid: 1, cgroup: '0::/init.scope\n' },
      { pid: 300, cgroup: `0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${A}.scope\n` },
      { pid: 42, cgroup: `0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${A}.scope\n` },
      { pid: 77, cgroup: `0::/kubepods.slice/crio-conmon-${B}.scope\n` },
      { pid: 78, cgroup: `0::/kubepods.slice/crio-${B}.scope\n` },
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('maps each container id to its lowest pid, skipping conmon and host processes', async () => {
    expect(await containerProcesses(dir)).toEqual(new Map([[A, 42], [B, 78]]));
    expect(processRootDir(dir, 42)).toBe(path.join(dir, '42', 'root'));
  });

  it('says what is wrong when procfs cannot be listed', async () => {
    await expect(containerProcesses(path.join(dir, 'nope'))).rejects.toThrow(/cannot be listed \(ENOENT\): the node mode needs the host's \/proc/);
  });
});
