// "Each number links to the records behind it", without a script: every linked figure gets an empty
// target element in front of the records table, and one CSS rule shows the rows carrying the
// group's and the metric's classes while that target is the URL fragment (:target). Rows and
// targets only carry hashed names (htmlId), never the untrusted text itself.
import { html } from '../core/html';

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

export class Filters {
  private readonly targets = new Map<string, string>();
  private readonly rules: string[] = [];

  /**
   * A figure linking to its records. `n` is the number of records behind it (the link's
   * data-n, which tests compare with the JSON); a zero is not a link.
   */
  link(group: GroupRef | undefined, metricName: MetricName | Metric, n: number, text: string, dataM?: string): string {
    const metric: Metric = typeof metricName === 'string' ? METRICS[metricName] : metricName;
    const m = dataM ?? (typeof metricName === 'string' ? metricName : metric.cls);
    const attrs = `data-m="${m}" data-n="${n}"`;
    if (n === 0) return `<span class="z" ${attrs}>${text}</span>`;
    const id = this.target(group, metric, n);
    return `<a href="#${id}" ${attrs}>${text}</a>`;
  }

  private target(group: GroupRef | undefined, metric: Metric, n: number): string {
    const id = group || metric.cls ? `q${group?.cls ?? ''}-${metric.cls || 'all'}` : 'all';
    if (id === 'all' || this.targets.has(id)) return id;
    const what = `<b>${n.toLocaleString('en-US')}</b> ${n === 1 ? 'digest' : 'digests'}${metric.label ? ` ${html(metric.label)}` : ''}`;
    const where = group ? ` · ${html(group.label, 200)}` : '';
    this.targets.set(id, `<div class="q" id="${id}">${what}${where}</div>`);
    this.rules.push(`#${id}:target~* .${group ? group.cls : ''}${group && metric.cls ? '.' : ''}${metric.cls}`);
    return id;
  }

  /** The target elements; they must come right before `#records` (a sibling selector reads them). */
  targetsHtml(): string {
    return [...this.targets.values()].join('');
  }

  /** One selector list: the rows of the targeted figure are shown (style.ts hides the others). */
  css(): string {
    return this.rules.length ? `${this.rules.join(',\n')}{display:table-row}` : '';
  }
}
