import { UserError } from '../core/errors';
import { ARTIFACT_MAX_BYTES, ARTIFACT_SCHEMA, parsePrCheckArtifact, summaryFromArtifact, toArtifact } from './artifact';
import { compareScans } from './compare';
import { gate } from './gate';
import { summaryJson, summaryMarkdown, type Summary } from './render';
import { HOSTILE, vuln } from './testdata';

const head = [vuln('CVE-2023-4911', 'libc6', '2.36-9', 'HIGH', '2.36-9+deb12u3'), vuln('CVE-2010-4756', 'libc6', '2.36-9', 'LOW')];
const base = [vuln('CVE-2023-5363', 'libssl3', '3.0.11-1', 'HIGH', '3.0.11-2'), vuln('CVE-2010-4756', 'libc6', '2.36-9', 'LOW')];
const comparison = compareScans(head, base);
const summary: Summary = { image: 'ghcr.io/acme/app (linux/amd64)', comparison, hasBase: true, db: { scanner: 'trivy 0.58.1' }, gate: gate(comparison, head, { failOnNew: 'high', failOn: 'none', fixableOnly: false }) };
const meta = { pullRequest: 7, headSha: 'a'.repeat(40), image: 'ghcr.io/acme/app', platforms: ['linux/amd64'] };
const good = JSON.stringify(toArtifact(summary, summaryJson(summary), meta));

describe('the pr-check result artifact (untrusted in the comment job)', () => {
  test('round trip: the comment job renders the same summary the check job did', () => {
    const r = parsePrCheckArtifact(good, 'a.json');
    expect(r.schema).toBe(ARTIFACT_SCHEMA);
    const again = summaryFromArtifact(r);
    expect(again.comparison.baseCounts).toEqual(comparison.baseCounts);
    expect(summaryMarkdown({ ...again, gate: { ...again.gate!, offenders: [] } })).toBe(summaryMarkdown({ ...summary, gate: { ...summary.gate!, offenders: [] } }));
  });

  test('malformed or oversized: refused with a clear error', () => {
    const doc = JSON.parse(good) as Record<string, unknown>;
    const bad: Array<[string, RegExp]> = [
      ['not json', /not JSON/],
      ['[]', /not a JSON object/],
      [JSON.stringify({ ...doc, schema: 'x' }), /schema is not/],
      [JSON.stringify({ ...doc, markdown: 'posted as is?' }), /unknown field "markdown"/],
      [JSON.stringify({ ...doc, pullRequest: -1 }), /pullRequest/],
      [JSON.stringify({ ...doc, headSha: 'main' }), /headSha/],
      [JSON.stringify({ ...doc, image: 'x --> <b>' }), /image is not/],
      [JSON.stringify({ ...doc, platforms: ['linux/amd64 -->'] }), /platforms/],
      [JSON.stringify({ ...doc, gate: { passed: 'yes' } }), /gate/],
      [JSON.stringify({ ...doc, summary: { ...(doc.summary as object), counts: { critical: -1 } } }), /summary\.counts/],
      [JSON.stringify({ ...doc, summary: { ...(doc.summary as object), new: [{ id: 1 }] } }), /summary\.new has an entry/],
      [' '.repeat(ARTIFACT_MAX_BYTES + 1), /more than the 2097152 allowed/],
    ];
    for (const [text, why] of bad) {
      let err: unknown;
      try {
        parsePrCheckArtifact(text, 'art/pr-check-result.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).toMatch(/^art\/pr-check-result\.json: .*refusing to post it$/);
    }
  });

  test('hostile strings inside findings pass the schema and are made inert by the renderer', () => {
    const doc = JSON.parse(good) as { summary: { new: unknown[] } };
    doc.summary.new = HOSTILE.slice(0, 17).map((h) => ({ id: h, package: h, installed: h, fixed: h, severity: 'CRITICAL' }));
    const md = summaryMarkdown(summaryFromArtifact(parsePrCheckArtifact(JSON.stringify(doc), 'a')));
    expect(md).not.toMatch(/<(?!\/?(details|summary|sub)>)|<!--|@(?!&#8203;)/);
  });
});
