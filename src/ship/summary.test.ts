import { parseIgnoreFile, parseVex } from '../scan/suppressions';
import type { ShipOutputs } from './outputs';
import { summaryMarkdown } from './summary';

const outputs: ShipOutputs = {
  image: 'ghcr.io/acme/api',
  tag: 'abc',
  digest: 'sha256:' + 'a'.repeat(64),
  platforms: {},
  referrers: {},
  vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
  bundles: [],
  verify: { cosign: 'cosign verify x', cosignAttestation: 'cosign verify-attestation x', gh: 'gh attestation verify x' },
};

describe('summaryMarkdown: suppressions', () => {
  it('says plainly when nothing was suppressed', () => {
    expect(summaryMarkdown(outputs, [], [])).toContain('**Suppressions**: none');
  });

  it('lists each ignore entry (applied or expired) and VEX statement with the file digests, escaped', () => {
    const ignoreFile = parseIgnoreFile('CVE-1\nCVE-2 exp:2001-01-01\n');
    const vex = parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns', statements: [{ vulnerability: 'CVE-3', products: ['pkg:npm/a|b'], status: 'not_affected', justification: '<b>trust me</b>' }] }));
    const md = summaryMarkdown(outputs, [], [], { ignoreFile, vex });
    expect(md).toContain(`\`sha256:${ignoreFile.sha256}\`: 1 in force, 1 expired (not applied)`);
    expect(md).toContain('| CVE-1 | — | yes |');
    expect(md).toContain('| CVE-2 | 2001-01-01 | no (expired) |');
    expect(md).toContain(`**VEX** (openvex) \`sha256:${vex.sha256}\`: 1 statement(s)`);
    expect(md).toContain('| CVE-3 | not\\_affected | \\<b\\>trust me\\</b\\> | pkg:npm/a\\|b |');
  });
});
