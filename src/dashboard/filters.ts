// "Each number links to the records behind it": a figure links to `#f.<metric>.<group>`, the
// classes its records carry, and filter-script.ts shows just those rows of the records table.
// (A script-free version with one :target rule per figure took 80 s to restyle 10,000 rows here:
// Blink walks every preceding sibling target for every rule. See docs/dashboard.md.) Rows and
// links only carry hashed names (htmlId), never the untrusted text itself.
export interface Metric {
  /** Class on the record rows that have it; '' for "every record of the group". */
  cls: string;
  /** Completes "N digests …". */
  label: string;
}

export const METRICS = {
  digests: { cls: '', label: '' },
  unsigned: { cls: 'u', label: 'not signed by an allowed identity' },
  'no-sbom': { cls: 'b', label: 'without SBOM' },
  'no-fresh-scan': { cls: 'f', label: 'not scanned on the current DB' },
  stale: { cls: 's', label: 'stale' },
  'age-unknown': { cls: 'a', label: 'of unknown age' },
  'signature-failure': { cls: 'x', label: 'failing a signature rule' },
  drift: { cls: 'd', label: 'drifted from the SBOM' },
  errors: { cls: 'e', label: 'with errors' },
  critical: { cls: 'k', label: 'with critical CVEs' },
  high: { cls: 'h', label: 'with high CVEs' },
  medium: { cls: 'm', label: 'with medium CVEs' },
  low: { cls: 'l', label: 'with low CVEs' },
  unknown: { cls: 'w', label: 'with CVEs of unknown severity' },
} as const satisfies Record<string, Metric>;

export type MetricName = keyof typeof METRICS;

/** A cluster, namespace or repository as the rows know it: a hashed class and a label to show. */
export interface GroupRef {
  cls: string;
  /** e.g. "namespace prod / payments" (raw; escaped when written). */
  label: string;
}

/** Turns figures into links to their records; a zero is not a link. */
export class Filters {
  /**
   * `n` is the number of records behind the figure (the link's data-n, which tests compare with
   * the JSON); `text` is what the figure shows.
   */
  link(group: GroupRef | undefined, metricName: MetricName | Metric, n: number, text: string, dataM?: string): string {
    const metric: Metric = typeof metricName === 'string' ? METRICS[metricName] : metricName;
    const m = dataM ?? (typeof metricName === 'string' ? metricName : metric.cls);
    const attrs = `data-m="${m}" data-n="${n}"`;
    if (n === 0) return `<span class="z" ${attrs}>${text}</span>`;
    const classes = [metric.cls, group?.cls ?? ''].filter(Boolean);
    return `<a href="#${classes.length ? `f.${classes.join('.')}` : 'all'}" ${attrs}>${text}</a>`;
  }
}
