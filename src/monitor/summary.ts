// The sweep as a Markdown job summary: what runs, what opened and resolved, what is open, and one
// line for each part of the estate that could not be judged.
import { mdCode, mdText } from '../core/markdown';
import { severityRank, SEVERITY_ORDER, type Severity } from '../scan/vulnerability';
import { countFindings } from './findings';
import type { Finding, SweepResult } from './model';

const MAX_ROWS = 50;

function findingRows(findings: readonly Finding[]): string[] {
  const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.key.localeCompare(b.key));
  const rows = ['| Severity | Kind | Id | Image | Summary |', '| --- | --- | --- | --- | --- |'];
  for (const f of sorted.slice(0, MAX_ROWS)) rows.push(`| ${f.severity} | ${f.kind} | ${mdCode(f.id, 80)} | ${mdCode(`${f.repository}@${f.digest.slice(0, 19)}`, 120)} | ${mdText(f.summary, 200)} |`);
  if (sorted.length > MAX_ROWS) rows.push('', `…and ${sorted.length - MAX_ROWS} more (see sweep.json).`);
  return rows;
}

/** Whether anything open is at or above `level` (a lowercase fail-on level; `none` never fails). */
export function openAtOrAbove(findings: readonly Finding[], level: string): Finding[] {
  if (level === 'none') return [];
  const threshold = severityRank(level.toUpperCase() as Severity);
  return findings.filter((f) => severityRank(f.severity) >= threshold);
}

export function sweepMarkdown(result: SweepResult): string {
  const records = result.records;
  const counts = countFindings(result.findings);
  const lines = [
    `## ship-image monitor${result.shard ? ` (shard ${mdText(result.shard)})` : ''}`,
    '',
    `Swept ${records.length} running digest(s) at ${mdText(result.sweptAt)}${result.dbVersion ? ` with the vulnerability DB of ${mdText(result.dbVersion)}` : ''}: ` +
      `${records.filter((r) => r.signature.allowed).length} allowed by the policy, ${records.filter((r) => r.sbom).length} with an attested SBOM, ` +
      `${records.filter((r) => r.scan?.rescanned).length} re-scanned, ${records.filter((r) => r.age.stale).length} stale.`,
    '',
    `Open: ${[...SEVERITY_ORDER].reverse().map((s) => `${counts[s.toLowerCase() as keyof typeof counts]} ${s.toLowerCase()}`).join(', ')}. ` +
      `This sweep opened ${result.opened.length} and resolved ${result.resolved.length}.`,
  ];
  if (result.opened.length > 0) lines.push('', '### Opened', '', ...findingRows(result.opened));
  if (result.resolved.length > 0) lines.push('', '### Resolved', '', ...findingRows(result.resolved));
  if (result.findings.length > 0) lines.push('', '### Open', '', ...findingRows(result.findings));
  const problems = [...result.notes.map((n) => `${n.source}: ${n.message}`), ...records.flatMap((r) => r.errors)];
  if (problems.length > 0) {
    lines.push('', '### Not judged', '');
    for (const p of problems.slice(0, MAX_ROWS)) lines.push(`- ${mdText(p, 300)}`);
    if (problems.length > MAX_ROWS) lines.push(`- …and ${problems.length - MAX_ROWS} more`);
  }
  return lines.join('\n') + '\n';
}
