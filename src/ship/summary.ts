import { mdCode, mdLink, mdText } from '../core/markdown';
import { inertText } from '../core/untrusted-text';
import type { ShipOutputs } from './outputs';
import type { Vulnerability } from '../scan/vulnerability';

/** A Markdown job summary: the image, what is attached, the scan at a glance, how to verify. */
export function summaryMarkdown(o: ShipOutputs, vulns: Vulnerability[], offenders: Vulnerability[]): string {
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
  if (offenders.length > 0) lines.push(`**Gate failed**: ${offenders.length} finding(s) at or above fail-on.`, '');
  // Inside the fence only a line starting with ``` could end it: inertText keeps each command on one line.
  const cmd = (c: string) => inertText(c, { max: 2000 }).replace(/^`+/, '');
  const verify = [o.verify.cosign, o.verify.cosignAttestation, o.verify.gh].filter((line): line is string => !!line);
  if (verify.length > 0) lines.push('Verify:', '```sh', ...verify.map(cmd), '```');
  return lines.join('\n') + '\n';
}

/** Progress-style text for the CLI (stderr) after a run. */
export function summaryText(o: ShipOutputs): string {
  const r = o.referrers;
  const lines = [
    `shipped ${o.image}:${o.tag}`,
    `  digest          ${o.digest}`,
    ...Object.entries(r).map(([k, d]) => `  ${k.padEnd(15)} ${d}`),
    `  vulnerabilities critical=${o.vulnerabilities.critical} high=${o.vulnerabilities.high} medium=${o.vulnerabilities.medium} low=${o.vulnerabilities.low} unknown=${o.vulnerabilities.unknown}`,
    ...(o.verify.cosign ? [`  verify          ${o.verify.cosign}`] : []),
  ];
  return lines.map((l) => inertText(l, { max: 2000 })).join('\n');
}
