import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../load';
import { testPolicy } from '../testdata/policy';
import type { Policy } from '../types';
import { SERVED_POLICY_FILE, SERVED_TRUSTED_ROOT_FILE, servedPolicyFiles } from './served-policy';

/** Writes the files as the ConfigMap mounts them and loads the policy back, as serve would. */
function loadServed(files: Record<string, string>): Policy {
  const dir = mkdtempSync(join(tmpdir(), 'served-policy-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return parsePolicy(files[SERVED_POLICY_FILE]!, 'served', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const comparable = (p: Policy) => ({ ...p, source: '', keys: p.keys.map((k) => ({ ...k, path: '' })), sigstore: p.sigstore.kind === 'trustedRoot' ? { ...p.sigstore, path: '' } : p.sigstore });

describe('servedPolicyFiles', () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = (requireTlog: boolean) => ({ path: 'keys/team a/cosign.pub', pem, keyId: 'sha256:x', requireTlog });

  it('loads back to the same policy, with keys and the trusted root as flat files beside it', () => {
    const root = JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [] });
    const policy = testPolicy({
      mode: 'audit',
      sigstore: { kind: 'trustedRoot', path: '../roots/root.json', json: root },
      identities: [
        { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/x/.github/workflows/a.yml@refs/heads/main', extensions: { sourceRepositoryURI: 'https://github.com/acme/x' } },
        { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/acme/.*$' },
      ],
      keys: [key(false), key(true)],
    });
    const files = servedPolicyFiles(policy);
    expect(Object.keys(files).sort()).toEqual(['key0.pub', 'key1.pub', SERVED_POLICY_FILE, SERVED_TRUSTED_ROOT_FILE].sort());
    for (const name of Object.keys(files)) expect(name).toMatch(/^[-._a-zA-Z0-9]+$/); // ConfigMap keys
    const loaded = loadServed(files);
    expect(comparable(loaded)).toEqual(comparable({ ...policy, keys: policy.keys.map((k) => ({ ...k, keyId: loaded.keys[0]!.keyId })) }));
  });

  it('writes a vulnerability rule that is off as off, and the github root only when given', () => {
    const policy = testPolicy({ sigstore: { kind: 'github' }, excludeNamespaces: [], require: { signature: true, sbom: false, vulnerabilities: undefined } });
    expect(Object.keys(servedPolicyFiles(policy))).toEqual([SERVED_POLICY_FILE]);
    const files = servedPolicyFiles(policy, '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}\n');
    expect(files[SERVED_TRUSTED_ROOT_FILE]).toContain('trustedroot');
    expect(comparable(loadServed(files))).toEqual(comparable(policy));
  });
});
