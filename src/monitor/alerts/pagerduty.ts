import { createHash } from 'node:crypto';
import { inertText } from '../../core/untrusted-text';
import type { Severity } from '../../scan/vulnerability';
import type { AlertSink, Finding, SweepChanges } from '../model';
import type { AlertRoute } from './config';
import { postJson, RateBudget, realClock, type Clock, type RetryPolicy } from './post';
import { routes } from './route';

// PagerDuty Events API v2: one trigger per finding opened, one resolve when it is fixed, both
// under dedup_key = the finding key, so PagerDuty itself folds a repeated trigger into the open
// alert. 202 is success; 429 and 5xx are tried again within the routing key's budget; 400 (an
// invalid event) never is.

export const PAGERDUTY_EVENTS_PER_MINUTE = 120;
const DEDUP_KEY_MAX = 255;
const SUMMARY_MAX = 1024;

/** PagerDuty's four severities. */
export function pagerDutySeverity(severity: Severity): 'critical' | 'error' | 'warning' | 'info' {
  switch (severity) {
    case 'CRITICAL':
      return 'critical';
    case 'HIGH':
      return 'error';
    case 'MEDIUM':
      return 'warning';
    default:
      return 'info';
  }
}

/** The finding key, or (past PagerDuty's 255 characters) its head and a hash of the whole. */
export function dedupKey(key: string): string {
  if (key.length <= DEDUP_KEY_MAX) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${key.slice(0, DEDUP_KEY_MAX - hash.length - 1)}#${hash}`;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, string>;
  };
  client?: string;
}

export function triggerEvent(routingKey: string, finding: Finding, source: string): PagerDutyEvent {
  const summary = inertText(`${finding.severity} ${finding.kind} ${finding.id} in ${finding.repository}@${finding.digest.slice(0, 19)}: ${finding.summary}`, { max: SUMMARY_MAX - 40 });
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey(finding.key),
    payload: {
      summary,
      source,
      severity: pagerDutySeverity(finding.severity),
      component: inertText(finding.repository, { max: 255 }),
      group: finding.kind,
      class: inertText(finding.id, { max: 255 }),
      custom_details: {
        key: inertText(finding.key, { max: 1000 }),
        digest: finding.digest,
        repository: inertText(finding.repository, { max: 500 }),
        kind: finding.kind,
        id: inertText(finding.id, { max: 500 }),
        severity: finding.severity,
      },
    },
    client: 'ship-image monitor',
  };
}

export function resolveEvent(routingKey: string, finding: Finding): PagerDutyEvent {
  return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey(finding.key) };
}

export interface PagerDutySinkOptions {
  name: string;
  routingKey: string;
  url: string;
  route: AlertRoute;
  /** payload.source (default `ship-image monitor`). */
  source?: string;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  eventsPerMinute?: number;
  /** Longest the budget may hold one delivery (default 5 min); the rest waits for the next sweep. */
  maxBudgetWaitMs?: number;
  fetch?: typeof fetch;
}

export class PagerDutySink implements AlertSink {
  readonly name: string;

  constructor(private readonly opts: PagerDutySinkOptions) {
    this.name = opts.name;
  }

  async deliver(changes: SweepChanges): Promise<{ triggered: string[]; resolved: string[]; errors: string[] }> {
    const clock = this.opts.clock ?? realClock;
    const budget = new RateBudget(this.opts.eventsPerMinute ?? PAGERDUTY_EVENTS_PER_MINUTE, 60_000, clock, this.opts.maxBudgetWaitMs);
    const out = { triggered: [] as string[], resolved: [] as string[], errors: [] as string[] };
    let deferred = 0;
    const send = async (event: PagerDutyEvent, finding: Finding): Promise<boolean> => {
      if (deferred > 0) {
        deferred++;
        return false;
      }
      const what = `pagerduty sink '${this.name}': ${event.event_action} ${inertText(finding.key, { max: 200 })}`;
      const res = await postJson(this.opts.url, event, { what, clock, budget, retry: this.opts.retry, fetch: this.opts.fetch });
      if (res.ok) return true;
      if (res.deferred) deferred++;
      else out.errors.push(res.status === 400 ? `${res.error}; PagerDuty refused the event as invalid, not retried` : res.error);
      return false;
    };
    // Resolves first: they close what is already paging.
    for (const finding of changes.resolved) {
      if (await send(resolveEvent(this.opts.routingKey, finding), finding)) out.resolved.push(finding.key);
    }
    const source = this.opts.source ?? 'ship-image monitor';
    for (const finding of changes.opened) {
      if (!routes(this.opts.route, finding)) continue;
      if (await send(triggerEvent(this.opts.routingKey, finding, source), finding)) out.triggered.push(finding.key);
    }
    if (deferred > 0) out.errors.push(`pagerduty sink '${this.name}': ${deferred} events wait for the next sweep (PagerDuty takes about ${this.opts.eventsPerMinute ?? PAGERDUTY_EVENTS_PER_MINUTE} events a minute)`);
    return out;
  }
}
