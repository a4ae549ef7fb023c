import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parsePolicy } from '../policy';
import { compareScans } from './compare';
import { gate } from './gate';
import { policyVerdict } from './policy-verdict';
import { advisoryUrl, GITHUB_COMMENT_MAX, summaryJson, summaryMarkdown, type Summary } from './render';
import { HOSTILE, vuln } from './testdata';

const db = { scanner: 'trivy 0.58.1', version: 'schema 2', builtAt: '2026-01-01T00:00:00Z', scannedAt: '2026-01-02T03:04:05Z' };

function summaryOf(head = [vuln('CVE-2023-4911', 'libc6', '2.36-9', 'HIGH', '2.36-9+deb12u3'), vuln('CVE-2010-4756', 'libc6', '2.36-9', 'LOW')], base = [vuln('CVE-2023-5363', 'libssl3', '3.0.11-1', 'HIGH', '3.0.11-2'), vuln('CVE-2010-4756', 'libc6', '2.36-9', 'LOW')]): Summary {
  const comparison = compareScans(head, base);
  return { image: 'ghcr.io/acme/app (linux/amd64)', comparison, hasBase: true, db, gate: gate(comparison, head, { failOnNew: 'high', failOn: 'none', fixableOnly: false }) };
}

/** What a rendered comment must never contain, whatever the report said. */
function expectInert(rendered: string) {
  // Inside a code span (mdCode: no backtick can end it early) text is shown as is: nothing forms.
  const md = rendered.replace(/(?<!\\)`[^`\n]*`/g, '`code`');
  expect(md).not.toMatch(/<(?!\/?(details|summary|sub)>)/); // no HTML but our own few tags
  expect(md).not.toMatch(/<!--|-->/);
  expect(md).not.toMatch(/(^|[^\\])!\[/m); // no image
  expect(md).not.toMatch(/(^|[^\\])\]\((?!https:\/\/(nvd\.nist\.gov|github\.com\/advisories)\/)/); // only our advisory links
  expect(md).not.toMatch(/@(?!&#8203;)/); // no mention
  expect(md).not.toMatch(/(^|[^\\&])#(?!#|&#8203;| )/m); // no issue reference (headings are ours)
  expect(md).not.toMatch(/https?:(?!\/\/(nvd\.nist\.gov|github\.com\/advisories)\/)|www\./i); // no autolink
  expect(md).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  expect(md).not.toMatch(/^```/m);
  expect(md).not.toMatch(/^(- |# |\[ref\])/m);
  for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
    // Every table row keeps its five (or six) cells: no unescaped pipe from the data.
    const cells = line.replace(/\\\|/g, '').split('|').length - 2;
    if (![4, 6].includes(cells)) throw new Error(`row with ${cells} cells: ${line}`);
  }
}

describe('the PR summary', () => {
  test('markdown: counts with deltas, new CRITICAL/HIGH with fix and advisory link, fixed collapsed, DB age, gate', () => {
    const md = summaryMarkdown(summaryOf());
    expect(md).toContain('❌ **Gate failed**: 1 new finding(s) at or above high (fail-on-new)');
    expect(md).toContain('| this change | 0 | 1 | 0 | 1 | 0 |');
    expect(md).toContain('| base | 0 | 1 | 0 | 1 | 0 |');
    expect(md).toContain('1 new, 1 fixed, 1 unchanged.');
    expect(md).toContain('| [CVE-2023-4911](https://nvd.nist.gov/vuln/detail/CVE-2023-4911) | libc6 | 2\\.36-9 → 2\\.36-9+deb12u3 | HIGH |');
    expect(md).toMatch(/<details><summary>Fixed by this change \(1\)<\/summary>\n\n\| id .*\n.*\n\| \[CVE-2023-5363\]/);
    expect(md).toContain('DB built 2026-01-01T00&#8203;:00&#8203;:00Z, 27h4m5s old at scan time');
    expectInert(md);
  });

  test('json: exactly the documented shape', () => {
    expect(summaryJson(summaryOf())).toEqual({
      counts: { critical: 0, high: 1, medium: 0, low: 1, unknown: 0 },
      new: [{ id: 'CVE-2023-4911', package: 'libc6', installed: '2.36-9', fixed: '2.36-9+deb12u3', severity: 'HIGH' }],
      fixed: [{ id: 'CVE-2023-5363', package: 'libssl3', installed: '3.0.11-1', fixed: '3.0.11-2', severity: 'HIGH' }],
      unchanged: 1,
      db: { ...db, age: '27h4m5s' },
    });
  });

  test('nothing found and nothing changed: one line, not an empty comment', () => {
    const md = summaryMarkdown({ comparison: compareScans([], []), hasBase: true, db });
    expect(md.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('<sub>'))).toEqual(['No vulnerabilities found, and none added or fixed by this change.']);
  });

  test('no base: says so', () => {
    const md = summaryMarkdown({ comparison: compareScans([vuln('CVE-1', 'p', '1', 'CRITICAL')]), hasBase: false, db });
    expect(md).toContain('No base image to compare with: every finding counts as new.');
  });

  test('the hostile corpus in every untrusted field renders inert', () => {
    const head = HOSTILE.flatMap((h, i) => [vuln(h, h, h, 'CRITICAL', h), vuln(`CVE-2024-${1000 + i}`, h, `${i}`, 'HIGH', h)]);
    const base = HOSTILE.map((h) => vuln(`${h}!`, h, h, 'HIGH', h));
    const s: Summary = { ...summaryOf(head, base), image: HOSTILE.join(' '), db: { scanner: HOSTILE.join(' '), version: HOSTILE[0]!, builtAt: HOSTILE[2]!, scannedAt: HOSTILE[6]! } };
    const md = summaryMarkdown(s);
    expectInert(md);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_MAX);
    const json = JSON.stringify(summaryJson(s));
    expect(json).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(json.length).toBeLessThan(HOSTILE.join('').length * 2 * 10);
  });

  test('over the comment limit: the fixed list, then the new list, are cut, and a line says what and where', () => {
    const head = Array.from({ length: 3000 }, (_, i) => vuln(`CVE-2024-${10000 + i}`, `package-with-a-long-name-${i}`, `1.0.${i}`, 'CRITICAL', `1.0.${i + 1}`));
    const base = Array.from({ length: 3000 }, (_, i) => vuln(`CVE-2023-${10000 + i}`, `old-package-${i}`, `2.0.${i}`, 'HIGH'));
    const md = summaryMarkdown(summaryOf(head, base), { fullReport: 'ship-image-pr-check-app', fullReportUrl: 'https://github.com/acme/app/actions/runs/1' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX - 1536);
    expect(md).toMatch(/_Cut to stay under GitHub's 65,536-character limit: \d+ new CRITICAL\/HIGH and 3000 fixed findings not shown here\. The full report is in the run's artifact `ship-image-pr-check-app` \(\[run\]\(https:\/\/github\.com\/acme\/app\/actions\/runs\/1\)\)\._/);
    expect(md).toContain('| [CVE-2024-10000]');
    expect(md).toContain('Fixed by this change (3000)');
  });

  test('advisory links only for ids of a known shape', () => {
    expect(advisoryUrl('CVE-2023-4911')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2023-4911');
    expect(advisoryUrl('GHSA-jf85-cpcp-j695')).toBe('https://github.com/advisories/GHSA-jf85-cpcp-j695');
    expect(advisoryUrl('CVE-2023-4911)](https://evil')).toBeUndefined();
    expect(advisoryUrl('DLA-1')).toBeUndefined();
  });
});

describe('the policy verdict before ship', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'prcheck-policy-'));
  const policyText = `apiVersion: ship-image/v1
kind: Policy
metadata: {name: production}
spec:
  images: ["ghcr.io/acme/*"]
  sigstore: public-good
  identities:
    - issuer: https://token.actions.githubusercontent.com
      subject: https://github.com/acme/app/.github/workflows/ship.yml@refs/heads/main
  require:
    signature: true
    sbom: true
    vulnerabilities: {maxScanAge: 168h, criticalGrace: 168h}
`;
  writeFileSync(path.join(dir, 'p.yaml'), policyText);
  const policy = parsePolicy(policyText, 'p.yaml', dir);
  const now = new Date('2026-01-10T00:00:00Z');

  test("verify's vulnerability rule on this scan; signature and SBOM named as not judged", () => {
    const old = { ...vuln('CVE-2019-10744', 'lodash', '4.17.11', 'CRITICAL', '4.17.12'), publishedDate: '2019-07-26T00:15:00Z' };
    const fresh = { ...vuln('CVE-2026-1', 'x', '1', 'CRITICAL'), publishedDate: '2026-01-09T00:00:00Z' };
    const denied = policyVerdict(policy, [old, fresh], new Date('2026-01-09T12:00:00Z'), now);
    expect(denied).toMatchObject({ policy: 'production', notJudged: ['signature', 'sbom'], vulnerabilities: { passed: false } });
    expect(denied.vulnerabilities!.reason).toMatch(/^1 CRITICAL vulnerability\(ies\) known for more than criticalGrace 168h or undated: CVE-2019-10744/);
    expect(policyVerdict(policy, [fresh], new Date('2026-01-09T12:00:00Z'), now).vulnerabilities).toMatchObject({ passed: true });
    // A scan older than maxScanAge is what verify would deny too.
    expect(policyVerdict(policy, [], new Date('2025-12-01T00:00:00Z'), now).vulnerabilities!.reason).toMatch(/more than maxScanAge 168h/);
    const md = summaryMarkdown({ ...summaryOf(), policy: denied });
    expect(md).toContain('**Policy `production`**: the vulnerability rule fails on this scan');
    expect(md).toContain('Not judged before ship: signature and sbom');
  });
});
