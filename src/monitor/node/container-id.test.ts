import { containerIdOf, containerIdsInCgroup } from './container-id';

const ID = 'a'.repeat(56) + '0123abcd';
const OTHER = 'b'.repeat(64);

describe('container ids', () => {
  it('reads the id from a pod status containerID of each runtime', () => {
    for (const runtime of ['containerd', 'docker', 'cri-o']) expect(containerIdOf(`${runtime}://${ID}`)).toBe(ID);
    expect(containerIdOf(undefined)).toBeUndefined();
    expect(containerIdOf('')).toBeUndefined();
    expect(containerIdOf(`containerd://${ID.slice(1)}`)).toBeUndefined();
  });

  it('finds the id in cgroup paths of every runtime and driver, v1 and v2', () => {
    const cases = [
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice/cri-containerd-${ID}.scope`,
      `0::/kubepods/burstable/pod12345678-aaaa-bbbb-cccc-1234567890ab/${ID}`,
      `12:memory:/docker/${ID}\n11:cpu,cpuacct:/docker/${ID}`,
      `0::/system.slice/docker-${ID}.scope`,
      `0::/kubepods.slice/kubepods-pod1.slice/crio-${ID}.scope`,
      `0::/../../kubepods-besteffort-pod1.slice/cri-containerd-${ID}.scope`,
      `1:name=systemd:/kubepods/besteffort/pod1/${ID}:extra`,
    ];
    for (const text of cases) expect(containerIdsInCgroup(text)).toEqual([ID]);
  });

  it('ignores conmon, host processes and short or longer hex runs', () => {
    expect(containerIdsInCgroup(`0::/kubepods.slice/crio-conmon-${ID}.scope`)).toEqual([]);
    expect(containerIdsInCgroup('0::/init.scope\n9:name=systemd:/')).toEqual([]);
    expect(containerIdsInCgroup(`0::/x/${ID}f`)).toEqual([]);
    expect(containerIdsInCgroup(`0::/x/${ID.slice(2)}`)).toEqual([]);
    expect(containerIdsInCgroup(`0::/a/${ID}\n1:cpu:/b/${OTHER}`).sort()).toEqual([ID, OTHER].sort());
  });
});
