// The numbers /metrics shows, in the Prometheus text exposition format (version 0.0.4). Pure.

type Labels = Readonly<Record<string, string>>;

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Family {
  help: string;
  type: 'counter' | 'histogram' | 'gauge';
  series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number; count?: number }>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly sampled = new Map<string, { help: string; type: 'counter' | 'gauge'; read: () => number }>();

  private family(name: string, help: string, type: Family['type']): Family {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { help, type, series: new Map() }));
    return f;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name, help, 'counter');
    const key = labelText(labels);
    const s = f.series.get(key);
    if (s) s.value += by;
    else f.series.set(key, { labels, value: by });
  }

  observe(name: string, help: string, seconds: number, labels: Labels = {}): void {
    const f = this.family(name, help, 'histogram');
    const key = labelText(labels);
    let s = f.series.get(key);
    if (!s) f.series.set(key, (s = { labels, value: 0, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) s.buckets![i]!++;
    });
    s.sum! += seconds;
    s.count!++;
  }

  /** A value read when /metrics is asked (cache sizes, in-flight work, counters kept elsewhere). */
  sample(name: string, help: string, read: () => number, type: 'counter' | 'gauge' = 'gauge'): void {
    this.sampled.set(name, { help, type, read });
  }

  render(): string {
    const out: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const s of f.series.values()) {
        if (f.type !== 'histogram') {
          out.push(`${name}${labelText(s.labels)} ${s.value}`);
          continue;
        }
        BUCKETS.forEach((b, i) => out.push(`${name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.buckets![i]}`));
        out.push(`${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`, `${name}_sum${labelText(s.labels)} ${s.sum}`, `${name}_count${labelText(s.labels)} ${s.count}`);
      }
    }
    for (const [name, g] of [...this.sampled].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} ${g.type}`, `${name} ${g.read()}`);
    }
    return out.join('\n') + '\n';
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}
