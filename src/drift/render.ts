import { inertText } from '../core/untrusted-text';
import { hasDrift, type Drift } from './compare';

// Purls come from SBOMs someone else wrote (an image's attestation, a running container's files):
// every one is made inert before it reaches a terminal or a log.

const MAX_LINES = 200;

/** The short text form: one line per difference, `+` added, `-` removed, `~` changed. */
export function driftText(drift: Drift, opts: { attested: string; observed: string }): string {
  const head = `drift between ${inertText(opts.attested)} (attested) and ${inertText(opts.observed)} (observed)`;
  if (!hasDrift(drift)) return `${head}: none\n`;
  const lines = [
    ...drift.added.map((p) => `+ ${inertText(p)}`),
    ...drift.removed.map((p) => `- ${inertText(p)}`),
    ...drift.changed.map((c) => `~ ${inertText(c.name)} ${inertText(c.from, { max: 100 })} -> ${inertText(c.to, { max: 100 })}`),
  ];
  const counts = `${drift.added.length} added, ${drift.removed.length} removed, ${drift.changed.length} changed`;
  const shown = lines.slice(0, MAX_LINES);
  const cut = lines.length > shown.length ? [`… ${lines.length - shown.length} more (use --json)`] : [];
  return [`${head}: ${counts}`, ...shown, ...cut].join('\n') + '\n';
}

/** The JSON form: `{"added":[purl],"removed":[purl],"changed":[{"name","from","to"}]}`, strings inert. */
export function driftJson(drift: Drift): Drift {
  return {
    added: drift.added.map((p) => inertText(p, { max: 1000 })),
    removed: drift.removed.map((p) => inertText(p, { max: 1000 })),
    changed: drift.changed.map((c) => ({ name: inertText(c.name, { max: 1000 }), from: inertText(c.from, { max: 200 }), to: inertText(c.to, { max: 200 }) })),
  };
}
