import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { UserError } from '../../core/errors';
import { describeClusterError, kubernetesTargets } from './kubernetes';

describe('describeClusterError: one line saying what to do', () => {
  const S = 'https://api.example:6443';
  test.each([
    ['401', new k8s.ApiException(401, 'Unauthorized', undefined, {}), false, 'rejected the credentials (401 Unauthorized): the kubeconfig token has expired or is wrong; log in again'],
    ['401 in-cluster', new k8s.ApiException(401, 'Unauthorized', undefined, {}), true, 'rejected the service account token (401 Unauthorized)'],
    ['403', new k8s.ApiException(403, 'x', JSON.stringify({ kind: 'Status', message: 'pods is forbidden' }), {}), false, 'refused to list pods (403 Forbidden: pods is forbidden); grant list on pods'],
    ['500', new k8s.ApiException(500, 'x', '{"message":"etcdserver: request timed out"}', {}), false, 'answered HTTP 500 to the pod list (etcdserver: request timed out)'],
    ['503 not json', new k8s.ApiException(503, 'x', 'not json', {}), false, 'answered HTTP 503 to the pod list; check the API server'],
    ['timeout', Object.assign(new Error('aborted'), { name: 'AbortError', type: 'aborted' }), false, 'did not answer in time'],
    ['ENOTFOUND', Object.assign(new Error('request failed, reason: getaddrinfo ENOTFOUND api.example'), { code: 'ENOTFOUND' }), false, 'is unreachable (ENOTFOUND)'],
    ['expired cert', Object.assign(new Error('cert'), { code: 'CERT_HAS_EXPIRED' }), false, 'TLS failed (CERT_HAS_EXPIRED); check certificate-authority for context prod'],
    ['self-signed in-cluster', Object.assign(new Error('cert'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), true, "TLS failed (SELF_SIGNED_CERT_IN_CHAIN); check the service account's ca.crt"],
    ['exec plugin', new Error('exec plugin failed:\n  aws: command not found'), false, 'listing pods failed (exec plugin failed: aws: command not found); check the kubeconfig'],
  ])('%s', (_label, err, inCluster, expected) => {
    const line = describeClusterError('prod', S, err, inCluster);
    expect(line).toContain(`cluster prod at ${S}`);
    expect(line).toContain(expected);
    expect(line).not.toContain('\n');
  });
});

describe('kubernetesTargets', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-targets-'));
    file = path.join(dir, 'config');
    fs.writeFileSync(file, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'b',
      clusters: [{ name: 'c', cluster: { server: 'https://c.example', 'certificate-authority': 'certs/ca.crt' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'a', context: { cluster: 'c', user: 'u' } }, { name: 'b', context: { cluster: 'c', user: 'u' } }],
    }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the current context by default, each named context once, relative paths resolved against the file', () => {
    expect(kubernetesTargets({ kind: 'kubernetes', kubeconfig: file }).map((t) => t.cluster)).toEqual(['b']);
    const targets = kubernetesTargets({ kind: 'kubernetes', kubeconfig: file, contexts: ['a', 'b', 'a'] });
    expect(targets.map((t) => [t.cluster, t.config.getCurrentContext()])).toEqual([['a', 'a'], ['b', 'b']]);
    expect(targets[0].config.getCurrentCluster()?.caFile).toBe(path.join(dir, 'certs/ca.crt'));
  });
  test('$KUBECONFIG when no file is given', () => {
    expect(kubernetesTargets({ kind: 'kubernetes' }, { env: { KUBECONFIG: `${file}${path.delimiter}/nowhere` } }).map((t) => t.cluster)).toEqual(['b']);
    expect(() => kubernetesTargets({ kind: 'kubernetes' }, { env: { HOME: dir } })).toThrow(/\.kube\/config: cannot read the kubeconfig/);
  });
  test('a broken kubeconfig: the YAML reason and line, never the lines around it (they hold tokens)', () => {
    const broken = path.join(dir, 'broken');
    fs.writeFileSync(broken, 'users:\n- name: u\n  user:\n    token: s3cr3t-token\n   bad: [\n');
    let message = '';
    try {
      kubernetesTargets({ kind: 'kubernetes', kubeconfig: broken });
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^${broken}: not a usable kubeconfig \\(.+ at line \\d+\\); check the file`));
    expect(message).not.toContain('s3cr3t');
  });

  test('no current context and no --context: a UserError listing the contexts', () => {
    const none = path.join(dir, 'none');
    fs.writeFileSync(none, fs.readFileSync(file, 'utf8').replace(/current-context: b\n/, ''));
    expect(() => kubernetesTargets({ kind: 'kubernetes', kubeconfig: none })).toThrow(new UserError(`${none}: no current context; pass --context NAME (one of a, b)`));
  });
});
