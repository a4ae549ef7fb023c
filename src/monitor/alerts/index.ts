// Alert routing (`--alerts FILE`) and delivery that records what was sent in the state.
import type { AlertSink } from '../model';
import { readAlertsConfig, type SinkConfig } from './config';
import { GitHubIssueSink } from './github';
import { PagerDutySink } from './pagerduty';
import type { Clock, RetryPolicy } from './post';
import { SlackSink } from './slack';

export { deliverAlerts } from './deliver';
export { parseAlertsConfig, type AlertRoute, type SinkConfig } from './config';
export { slackText } from './slack';

export interface AlertSinkOptions {
  /** Time and sleeping (tests). */
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  /** PagerDuty's events-per-minute budget (default 120). */
  eventsPerMinute?: number;
  maxBudgetWaitMs?: number;
  fetch?: typeof fetch;
}

export function makeSink(config: SinkConfig, opts: AlertSinkOptions = {}): AlertSink {
  switch (config.type) {
    case 'pagerduty':
      return new PagerDutySink({ ...opts, name: config.name, routingKey: config.routingKey, url: config.url, route: config.route, source: config.source });
    case 'slack':
      return new SlackSink({ ...opts, name: config.name, webhookUrl: config.webhookUrl, route: config.route });
    case 'github':
      return new GitHubIssueSink({ name: config.name, repository: config.repository, token: config.token, apiUrl: config.apiUrl, labels: config.labels, route: config.route });
  }
}

/** Reads the alerts file (sinks and routing); secrets are named by environment variable, never written in it. */
export async function loadAlertSinks(file: string, env: NodeJS.ProcessEnv = process.env, opts: AlertSinkOptions = {}): Promise<AlertSink[]> {
  return (await readAlertsConfig(file, env)).map((c) => makeSink(c, opts));
}
