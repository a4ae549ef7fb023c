import type { ShipOutputs } from './outputs';
import type { Vulnerability } from '../scan/vulnerability';

/** A Markdown job summary: the image, what is attached, the scan at a glance, how to verify. */
export function summaryMarkdown(o: ShipOutputs, vulns: Vulnerability[], offenders: Vulnerability[]): string {
  const lines: string[] = [];
  lines.push(`### ship-image: \`${o.image}:${o.tag}\``, '');
  lines.push(`**Digest** \`${o.digest}\``, '');
  if (Object.keys(o.platforms).length > 1) {
    lines.push('| platform | digest |', '|---|---|');
    for (const [p, d] of Object.entries(o.platforms)) lines.push(`| ${p} | \`${d}\` |`);
    lines.push('');
  }
  lines.push('| attached | referrer |', '|---|---|');
  for (const kind of ['signature', 'sbom', 'vulnerabilities', 'provenance'] as const) {
    lines.push(`| ${kind} | ${o.referrers[kind] ? `\`${o.referrers[kind]}\`` : '—'} |`);
  }
  lines.push('');
  const v = o.vulnerabilities;
  lines.push('| critical | high | medium | low | unknown |', '|---|---|---|---|---|', `| ${v.critical} | ${v.high} | ${v.medium} | ${v.low} | ${v.unknown} |`, '');
  const top = vulns.filter((x) => x.severity === 'CRITICAL' || x.severity === 'HIGH').slice(0, 20);
  if (top.length > 0) {
    lines.push('| id | package | installed | fixed | severity |', '|---|---|---|---|---|');
    for (const x of top) lines.push(`| ${x.url ? `[${x.id}](${x.url})` : x.id} | ${x.packageName} | ${x.installedVersion} | ${x.fixedVersion ?? '—'} | ${x.severity} |`);
    lines.push('');
  }
  if (offenders.length > 0) lines.push(`**Gate failed**: ${offenders.length} finding(s) at or above fail-on.`, '');
  const verify = [o.verify.cosign, o.verify.cosignAttestation, o.verify.gh].filter((line): line is string => !!line);
  if (verify.length > 0) lines.push('Verify:', '```sh', ...verify, '```');
  return lines.join('\n') + '\n';
}

/** Progress-style text for the CLI (stderr) after a run. */
export function summaryText(o: ShipOutputs): string {
  const r = o.referrers;
  return [
    `shipped ${o.image}:${o.tag}`,
    `  digest          ${o.digest}`,
    ...Object.entries(r).map(([k, d]) => `  ${k.padEnd(15)} ${d}`),
    `  vulnerabilities critical=${o.vulnerabilities.critical} high=${o.vulnerabilities.high} medium=${o.vulnerabilities.medium} low=${o.vulnerabilities.low} unknown=${o.vulnerabilities.unknown}`,
    ...(o.verify.cosign ? [`  verify          ${o.verify.cosign}`] : []),
  ].join('\n');
}
