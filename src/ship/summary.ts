import { mdCode, mdLink, mdText } from '../core/markdown';
import { inertText } from '../core/untrusted-text';
import type { ShipOutputs } from './outputs';
import type { Suppressions } from '../scan/suppressions';
import type { Vulnerability } from '../scan/vulnerability';

/** Text from a file the user gave, safe inside a table cell: no markup, no column break, one line. */
function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

/** What the scan was told to suppress: each ignore entry and VEX statement, with the file's digest. */
function suppressionLines(s: Suppressions): string[] {
  const lines: string[] = [];
  if (!s.ignoreFile && !s.vex) return ['**Suppressions**: none (no ignore-file, no vex).', ''];
  if (s.ignoreFile) {
    const f = s.ignoreFile;
    lines.push(`**Ignored** by ignore-file \`sha256:${f.sha256}\`: ${f.entries.length} in force${f.expired.length ? `, ${f.expired.length} expired (not applied)` : ''}`, '');
    if (f.entries.length + f.expired.length > 0) {
      lines.push('| id | expires | applied |', '|---|---|---|');
      for (const e of f.entries) lines.push(`| ${cell(e.id)} | ${e.expires ?? '—'} | yes |`);
      for (const e of f.expired) lines.push(`| ${cell(e.id)} | ${e.expires ?? '—'} | no (expired) |`);
      lines.push('');
    }
  }
  if (s.vex) {
    const v = s.vex;
    lines.push(`**VEX** (${v.format}) \`sha256:${v.sha256}\`: ${v.statements.length} statement(s)`, '');
    if (v.statements.length > 0) {
      lines.push('| vulnerability | status | justification | products |', '|---|---|---|---|');
      for (const st of v.statements) lines.push(`| ${cell(st.vulnerability)} | ${cell(st.status)} | ${cell(st.justification ?? '—')} | ${cell(st.products.join(', ') || '—')} |`);
      lines.push('');
    }
  }
  return lines;
}

/** A Markdown job summary: the image, what is attached, the scan at a glance, what it suppressed, how to verify. */
export function summaryMarkdown(o: ShipOutputs, vulns: Vulnerability[], offenders: Vulnerability[], suppressions: Suppressions = {}): string {
  const lines: string[] = [];
  lines.push(`### ship-image: ${mdCode(`${o.image}:${o.tag}`)}`, '');
  lines.push(`**Digest** ${mdCode(o.digest)}`, '');
  if (Object.keys(o.platforms).length > 1) {
    lines.push('| platform | digest |', '|---|---|');
    for (const [p, d] of Object.entries(o.platforms)) lines.push(`| ${mdText(p)} | ${mdCode(d)} |`);
    lines.push('');
  }
  lines.push('| attached | referrer |', '|---|---|');
  for (const kind of ['signature', 'sbom', 'vulnerabilities', 'provenance'] as const) {
    lines.push(`| ${kind} | ${o.referrers[kind] ? mdCode(o.referrers[kind]) : '—'} |`);
  }
  lines.push('');
  const v = o.vulnerabilities;
  lines.push('| critical | high | medium | low | unknown |', '|---|---|---|---|---|', `| ${v.critical} | ${v.high} | ${v.medium} | ${v.low} | ${v.unknown} |`, '');
  const top = vulns.filter((x) => x.severity === 'CRITICAL' || x.severity === 'HIGH').slice(0, 20);
  if (top.length > 0) {
    lines.push('| id | package | installed | fixed | severity |', '|---|---|---|---|---|');
    for (const x of top) {
      lines.push(`| ${mdLink(x.id, x.url)} | ${mdText(x.packageName)} | ${mdText(x.installedVersion)} | ${x.fixedVersion ? mdText(x.fixedVersion) : '—'} | ${mdText(x.severity)} |`);
    }
    lines.push('');
  }
  lines.push(...suppressionLines(suppressions));
  if (offenders.length > 0) lines.push(`**Gate failed**: ${offenders.length} finding(s) at or above fail-on.`, '');
  // Inside the fence only a line starting with ``` could end it: inertText keeps each command on one line.
  const cmd = (c: string) => inertText(c, { max: 2000 }).replace(/^`+/, '');
  const verify = [o.verify.cosign, o.verify.cosignAttestation, o.verify.gh].filter((line): line is string => !!line);
  if (verify.length > 0) lines.push('Verify:', '```sh', ...verify.map(cmd), '```');
  return lines.join('\n') + '\n';
}

/** Progress-style text for the CLI (stderr) after a run. */
export function summaryText(o: ShipOutputs, s: Suppressions = {}): string {
  const r = o.referrers;
  const suppressed = [
    s.ignoreFile ? `ignore-file sha256:${s.ignoreFile.sha256} (${s.ignoreFile.entries.length} in force, ${s.ignoreFile.expired.length} expired)` : '',
    s.vex ? `vex sha256:${s.vex.sha256} (${s.vex.format}, ${s.vex.statements.length} statements)` : '',
  ].filter(Boolean);
  const lines = [
    `shipped ${o.image}:${o.tag}`,
    `  digest          ${o.digest}`,
    ...Object.entries(r).map(([k, d]) => `  ${k.padEnd(15)} ${d}`),
    `  vulnerabilities critical=${o.vulnerabilities.critical} high=${o.vulnerabilities.high} medium=${o.vulnerabilities.medium} low=${o.vulnerabilities.low} unknown=${o.vulnerabilities.unknown}`,
    `  suppressions    ${suppressed.join('; ') || 'none'}`,
    ...(o.verify.cosign ? [`  verify          ${o.verify.cosign}`] : []),
  ];
  return lines.map((l) => inertText(l, { max: 2000 })).join('\n');
}
