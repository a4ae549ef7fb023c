/* eslint-disable no-control-regex -- these tests look for control characters */
import { addSecret } from '../core/log';
import type { Vulnerability } from '../scan/vulnerability';
import type { ShipOutputs } from './outputs';
import { summaryMarkdown, summaryText } from './summary';

const canary = 'canary-summary-secret-c0ffee';
addSecret(canary);

const outputs: ShipOutputs = {
  image: 'registry.test/acme/api',
  tag: 'v1',
  digest: `sha256:${'a'.repeat(64)}`,
  platforms: { 'linux/amd64': `sha256:${'a'.repeat(64)}` },
  referrers: { signature: `sha256:${'b'.repeat(64)}` },
  vulnerabilities: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 },
  bundles: [],
  verify: { cosign: `cosign verify registry.test/acme/api@sha256:${'a'.repeat(64)}`, cosignAttestation: 'cosign verify-attestation x', gh: 'gh attestation verify x' },
};

// A package in the scanned image names itself to break out of the table and the log.
const hostile: Vulnerability = {
  id: 'CVE-2026-0001](javascript:alert(1))',
  packageName: `evil | <img src=x onerror=alert(1)> \u001b[31m${canary}\n\n# heading`,
  installedVersion: '1.0`injected`',
  fixedVersion: '[click](https://evil.example)',
  severity: 'CRITICAL',
  url: 'javascript:alert(1)',
};

describe('ship summaries with untrusted scan text', () => {
  test('markdown: no HTML, no extra cell or link, no control character, no secret', () => {
    const md = summaryMarkdown(outputs, [hostile], [hostile]);
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(md).not.toContain(canary);
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(md).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
    const row = md.split('\n').find((l) => l.includes('evil'))!;
    // Five cells: the package's `|` is escaped, its line breaks folded.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
    expect(md).not.toMatch(/^# heading/m);
  });

  test('text', () => {
    const text = summaryText({ ...outputs, image: `registry.test/acme/api\u001b]0;x\u0007${canary}` });
    expect(text).not.toMatch(/[\u001b\u0007]/);
    expect(text).not.toContain(canary);
  });
});
