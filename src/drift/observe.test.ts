import { mountPointsInRoot, processRoot } from './observe';

describe('mountPointsInRoot', () => {
  it('lists the mount points below the root, relative, unescaped, without the root itself', () => {
    const info = [
      '1200 1100 0:310 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/l',
      '1201 1200 0:311 / /proc rw,nosuid - proc proc rw',
      '1210 1200 259:1 /var/lib/kubelet/pods/p/etc-hosts /etc/hosts rw,relatime - ext4 /dev/root rw',
      '1211 1200 0:312 / /var/run/secrets/kubernetes.io/serviceaccount ro,relatime - tmpfs tmpfs rw',
      '1212 1200 259:1 /data /srv/my\\040data rw - ext4 /dev/root rw',
      'garbage',
    ].join('\n');
    expect(mountPointsInRoot(info)).toEqual(['etc/hosts', 'proc', 'srv/my data', 'var/run/secrets/kubernetes.io/serviceaccount']);
  });
});

describe('processRoot', () => {
  it('is /proc/PID/root for a pid, and refuses anything else', () => {
    expect(processRoot('42')).toBe('/proc/42/root');
    expect(processRoot('7', '/host/proc')).toBe('/host/proc/7/root');
    for (const bad of ['0', '-1', '1/../2', 'self', '']) expect(() => processRoot(bad)).toThrow(/is not a process id/);
  });
});
