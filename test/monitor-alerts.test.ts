/**
 * Monitor alerts against doubles that speak the real wire formats (PagerDuty Events API v2, a
 * Slack incoming webhook, GitHub's REST API for issues through @actions/github's octokit): exact
 * payloads, retries with Retry-After, 400 never retried, the events-per-minute budget, a crashed
 * sweep re-run sending nothing twice, resolves only where the trigger went, secrets kept out.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deliverAlerts, loadAlertSinks } from '../src/monitor/alerts';
import type { Clock } from '../src/monitor/alerts/post';
import { emptyState, findingKey, type Finding, type MonitorState, type StateStore } from '../src/monitor/model';
import { openStateStore } from '../src/monitor/state';
import { startGitHubApiDouble, type GitHubApiDouble } from './support/github-api-double';
import { startPagerDutyDouble, type PagerDutyDouble } from './support/pagerduty-double';
import { startSlackDouble, type SlackDouble } from './support/slack-double';
import { childLines, killAndWait, spawnTsChild } from './support/ts-child';

jest.setTimeout(120_000);

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const TOKEN = 'ghs_testtokenmonitor0123456789';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function finding(digest: string, kind: Finding['kind'], id: string, severity: Finding['severity'], summary: string): Finding {
  return { key: findingKey(digest, kind, id), digest, repository: 'registry.example/shop/api', kind, id, severity, summary };
}

const critical = finding(D1, 'vulnerability', 'CVE-2026-0001', 'CRITICAL', 'openssl: remote code execution <!channel> @here & <https://evil.example|click>');
const medium = finding(D2, 'stale', 'max-age', 'MEDIUM', 'built 45 days ago, over --max-age 30d');

/** The lifecycle's part, as mon-sweep does it: opened findings filed in `open`. */
function withOpen(state: MonitorState, ...findings: Finding[]): MonitorState {
  for (const f of findings) state.open[f.key] ??= { finding: f, firstSeen: '2026-12-01T00:00:00Z', lastSeen: '2026-12-01T00:00:00Z', sent: {} };
  return state;
}

/** … and resolved ones moved to `resolving`. */
function resolve(state: MonitorState, ...findings: Finding[]): MonitorState {
  for (const f of findings) {
    state.resolving[f.key] = state.open[f.key]!;
    delete state.open[f.key];
  }
  return state;
}

function fakeClock(): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

let tmp: string;
let pd: PagerDutyDouble;
let slack: SlackDouble;
let gh: GitHubApiDouble;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'monitor-alerts-'));
  pd = await startPagerDutyDouble({ routingKeys: [ROUTING_KEY] });
  slack = await startSlackDouble();
  gh = await startGitHubApiDouble({ [TOKEN]: { login: 'ship-image[bot]', type: 'Bot', write: true } });
});
afterEach(async () => {
  await Promise.all([pd.stop(), slack.stop(), gh.stop()]);
  await fs.rm(tmp, { recursive: true, force: true });
});

const env = () => ({ PAGERDUTY_ROUTING_KEY: ROUTING_KEY, SLACK_WEBHOOK_URL: slack.url, GITHUB_TOKEN: TOKEN });

async function alertsFile(yaml: string): Promise<string> {
  const file = path.join(tmp, 'alerts.yaml');
  await fs.writeFile(file, yaml);
  return file;
}

async function allSinks(clock: Clock = fakeClock(), pagerRoute = '{ minSeverity: high, kinds: [vulnerability, signature] }') {
  const file = await alertsFile(`sinks:
  - name: pager
    pagerduty: { routingKeyEnv: PAGERDUTY_ROUTING_KEY, url: "${pd.url}" }
    route: ${pagerRoute}
  - name: chat
    slack: { webhookUrlEnv: SLACK_WEBHOOK_URL }
  - name: issues
    github: { repository: acme/estate, tokenEnv: GITHUB_TOKEN, apiUrl: "${gh.url}" }
`);
  return loadAlertSinks(file, env(), { clock });
}

const expectedTrigger = {
  routing_key: ROUTING_KEY,
  event_action: 'trigger',
  dedup_key: `${D1}/vulnerability/CVE-2026-0001`,
  payload: {
    summary: `CRITICAL vulnerability CVE-2026-0001 in registry.example/shop/api@sha256:111111111111: openssl: remote code execution <!channel> @here & <https://evil.example|click>`,
    source: 'ship-image monitor',
    severity: 'critical',
    component: 'registry.example/shop/api',
    group: 'vulnerability',
    class: 'CVE-2026-0001',
    custom_details: {
      key: `${D1}/vulnerability/CVE-2026-0001`,
      digest: D1,
      repository: 'registry.example/shop/api',
      kind: 'vulnerability',
      id: 'CVE-2026-0001',
      severity: 'CRITICAL',
    },
  },
  client: 'ship-image monitor',
};

test('a sweep: PagerDuty gets the exact trigger (routed: high+ vulnerabilities only), Slack one message, GitHub one issue; a second run sends nothing', async () => {
  const store = openStateStore(path.join(tmp, 'state'));
  const sinks = await allSinks();
  const changes = { sweptAt: '2026-12-01T00:00:00Z', opened: [critical, medium], resolved: [] };
  const { state, errors } = await deliverAlerts(withOpen(emptyState(), critical, medium), changes, sinks, store);
  expect(errors).toEqual([]);
  expect(pd.received).toEqual([expectedTrigger]);
  expect(pd.alerts.get(critical.key)).toBe('triggered');

  expect(slack.messages).toEqual([
    {
      text: 'ship-image monitor: 2 opened, 0 resolved',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'ship-image monitor: 2 opened, 0 resolved' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: [
              '*Opened*',
              '• *CRITICAL* vulnerability `CVE-2026-0001` in `registry.example/shop/api@sha256:111111111111`: openssl: remote code execution &lt;!channel&gt; @\u200Bhere &amp; &lt;https://evil.example|click&gt;',
              '• *MEDIUM* stale `max-age` in `registry.example/shop/api@sha256:222222222222`: built 45 days ago, over --max-age 30d',
            ].join('\n'),
          },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Sweep at 2026-12-01T00:00:00Z' }] },
      ],
    },
  ]);

  const issues = gh.issues.get('acme/estate')!;
  expect(issues.map((i) => [i.title, i.state, i.labels])).toEqual([
    ['[ship-image monitor] CRITICAL vulnerability CVE-2026-0001 in registry.example/shop/api@sha256:111111111111', 'open', [{ name: 'ship-image-monitor' }]],
    ['[ship-image monitor] MEDIUM stale max-age in registry.example/shop/api@sha256:222222222222', 'open', [{ name: 'ship-image-monitor' }]],
  ]);
  expect(issues[0]!.body.split('\n')[0]).toBe('<!-- ship-image:monitor finding=sha256%3A1111111111111111111111111111111111111111111111111111111111111111%2Fvulnerability%2FCVE%2D2026%2D0001 -->');
  expect(issues[0]!.body).not.toContain('<!channel>');

  expect(Object.keys(state.open[critical.key]!.sent).sort()).toEqual(['chat', 'issues', 'pager']);
  expect(Object.keys(state.open[medium.key]!.sent).sort()).toEqual(['chat', 'issues']);
  expect(await store.load()).toEqual(state);

  // Nothing changed: nothing is sent again.
  const again = await deliverAlerts(await store.load(), { sweptAt: '2026-12-01T01:00:00Z', opened: [], resolved: [] }, sinks, store);
  expect(again.errors).toEqual([]);
  expect(pd.received).toHaveLength(1);
  expect(slack.messages).toHaveLength(1);
  expect(gh.issues.get('acme/estate')).toHaveLength(2);
});

test('resolve: PagerDuty gets the exact resolve, only for what it was triggered; Slack says what closed; the issue is closed; the entry is dropped; a third run sends nothing', async () => {
  const store = openStateStore(path.join(tmp, 'state'));
  const sinks = await allSinks();
  await deliverAlerts(withOpen(emptyState(), critical, medium), { sweptAt: '2026-12-01T00:00:00Z', opened: [critical, medium], resolved: [] }, sinks, store);
  const state = resolve(await store.load(), critical, medium);
  const { state: after, errors } = await deliverAlerts(state, { sweptAt: '2026-12-02T00:00:00Z', opened: [], resolved: [critical, medium] }, sinks, store);
  expect(errors).toEqual([]);
  expect(pd.received.slice(1)).toEqual([{ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: critical.key }]);
  expect(pd.alerts.get(critical.key)).toBe('resolved');
  expect((slack.messages[1]!.blocks as Array<{ text?: { text: string } }>)[1]!.text!.text.split('\n')[0]).toBe('*Resolved*');
  expect(slack.messages[1]!.text).toBe('ship-image monitor: 0 opened, 2 resolved');
  const issues = gh.issues.get('acme/estate')!;
  expect(issues.map((i) => [i.state, i.state_reason])).toEqual([
    ['closed', 'completed'],
    ['closed', 'completed'],
  ]);
  expect(gh.comments.get('acme/estate#1')?.[0]?.body).toBe(`Resolved: \`${critical.key}\` is no longer found by \`ship-image monitor\`.`);
  expect(after.resolving).toEqual({});
  expect(after.open).toEqual({});
  expect(await store.load()).toEqual(after);

  const before = { pd: pd.received.length, slack: slack.requests, gh: gh.requests.length };
  await deliverAlerts(await store.load(), { sweptAt: '2026-12-03T00:00:00Z', opened: [], resolved: [] }, sinks, store);
  expect({ pd: pd.received.length, slack: slack.requests, gh: gh.requests.length }).toEqual(before);
});

test('429 and 500 are tried again (Retry-After honoured), then delivered; 400 is never retried and the finding stays unsent for the next sweep', async () => {
  const clock = fakeClock();
  const store = openStateStore(path.join(tmp, 'state'));
  const [pager] = await allSinks(clock);
  pd.retryAfterSeconds = 7;
  pd.failNext(429, 500);
  const first = await deliverAlerts(withOpen(emptyState(), critical), { sweptAt: 't1', opened: [critical], resolved: [] }, [pager!], store);
  expect(first.errors).toEqual([]);
  expect(pd.received).toEqual([expectedTrigger, expectedTrigger, expectedTrigger]);
  expect(pd.accepted).toHaveLength(1);
  expect(clock.sleeps[0]).toBe(7000);
  expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1000); // backoff after the 500: base 1 s doubled, jittered
  expect(clock.sleeps[1]).toBeLessThanOrEqual(2000);

  const other = finding(D2, 'signature', 'keyless', 'HIGH', 'no signature by an allowed identity');
  pd.failNext(400);
  // As the sweep does: the lifecycle's state is saved, then alerts are delivered.
  await store.save(withOpen(await store.load(), other));
  const second = await deliverAlerts(await store.load(), { sweptAt: 't2', opened: [other], resolved: [] }, [pager!], store);
  expect(pd.received).toHaveLength(4);
  expect(second.errors).toEqual([`pagerduty sink 'pager': trigger ${other.key}: answered 400 ({"status":"invalid event","message":"Event object is invalid","errors":["forced by the test"]}); PagerDuty refused the event as invalid, not retried`]);
  expect(second.state.open[other.key]!.sent).toEqual({});
  // Next sweep: offered again, delivered once.
  const third = await deliverAlerts(await store.load(), { sweptAt: 't3', opened: [], resolved: [] }, [pager!], store);
  expect(third.errors).toEqual([]);
  expect(pd.accepted.map((e) => e.dedup_key)).toEqual([critical.key, other.key]);
});

test('5xx every time: gives up after 5 attempts with one line, no secret in it', async () => {
  const [pager] = await allSinks();
  pd.failNext(500, 500, 500, 500, 500);
  const { errors } = await deliverAlerts(withOpen(emptyState(), critical), { sweptAt: 't', opened: [critical], resolved: [] }, [pager!], openStateStore(path.join(tmp, 's')));
  expect(pd.received).toHaveLength(5);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/answered 500 .*gave up after 5 attempts$/);
  expect(errors[0]).not.toContain(ROUTING_KEY);
});

test('the events-per-minute budget: never more than the budget in any minute; past the longest wait the rest is left for the next sweep', async () => {
  const clock = fakeClock();
  const file = await alertsFile(`sinks:\n  - name: pager\n    pagerduty: { routingKeyEnv: PAGERDUTY_ROUTING_KEY, url: "${pd.url}" }\n`);
  const many = Array.from({ length: 12 }, (_, i) => finding(D1, 'vulnerability', `CVE-2026-${1000 + i}`, 'HIGH', 'x'));
  const times: number[] = [];
  const fetchSpy: typeof fetch = (input, init) => {
    times.push(clock.now());
    return fetch(input, init);
  };
  const sinks = await loadAlertSinks(file, env(), { clock, eventsPerMinute: 5, maxBudgetWaitMs: 90_000, fetch: fetchSpy });
  const store = openStateStore(path.join(tmp, 'state'));
  const first = await deliverAlerts(withOpen(emptyState(), ...many), { sweptAt: 't1', opened: many, resolved: [] }, sinks, store);
  // 5 at once, 5 a minute later; the next 5 would wait past 90 s.
  expect(pd.accepted).toHaveLength(10);
  for (const t of times) expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(5);
  expect(first.errors).toEqual([`pagerduty sink 'pager': 2 events wait for the next sweep (PagerDuty takes about 5 events a minute)`]);
  const second = await deliverAlerts(await store.load(), { sweptAt: 't2', opened: [], resolved: [] }, sinks, store);
  expect(second.errors).toEqual([]);
  expect(new Set(pd.accepted.map((e) => e.dedup_key)).size).toBe(12);
  expect(pd.accepted).toHaveLength(12);
});

test('a sweep that crashes between sinks, run again, sends nothing twice', async () => {
  const dir = path.join(tmp, 'state');
  const real = openStateStore(dir);
  let saves = 0;
  // The process "dies" right after the first sink's delivery is saved, before the next sink runs.
  const crashing: StateStore = {
    location: real.location,
    load: () => real.load(),
    save: async (s) => {
      await real.save(s);
      if (++saves === 1) throw new Error('killed');
    },
  };
  const sinks = await allSinks();
  const changes = { sweptAt: 't1', opened: [critical, medium], resolved: [] };
  await expect(deliverAlerts(withOpen(emptyState(), critical, medium), changes, sinks, crashing)).rejects.toThrow('killed');
  expect(pd.accepted).toHaveLength(1);
  expect(slack.messages).toHaveLength(0);

  // The re-run: the sweep finds the same findings open again (the lifecycle keeps what is in the state).
  const rerun = await deliverAlerts(withOpen(await real.load(), critical, medium), changes, sinks, real);
  expect(rerun.errors).toEqual([]);
  expect(pd.accepted).toHaveLength(1);
  expect(slack.messages).toHaveLength(1);
  expect(gh.issues.get('acme/estate')).toHaveLength(2);
});

test('a real process SIGKILLed between sinks (after the first sink’s delivery is saved), run again, sends nothing twice', async () => {
  const dir = path.join(tmp, 'state');
  const file = await alertsFile(`sinks:
  - name: pager
    pagerduty: { routingKeyEnv: PAGERDUTY_ROUTING_KEY, url: "${pd.url}" }
  - name: chat
    slack: { webhookUrlEnv: SLACK_WEBHOOK_URL }
`);
  const state = withOpen(emptyState(), critical, medium);
  await openStateStore(dir).save(state);
  const changes = { sweptAt: '2026-12-01T00:00:00Z', opened: [critical, medium], resolved: [] };
  const child = spawnTsChild(
    `
const { deliverAlerts, loadAlertSinks } = require(SRC + '/monitor/alerts/index.ts');
const { openStateStore } = require(SRC + '/monitor/state/index.ts');
(async () => {
  const store = openStateStore(${JSON.stringify(dir)});
  const save = store.save.bind(store);
  // After the first sink's delivery is saved, the process stops here until it is killed.
  store.save = async (s) => { await save(s); process.stdout.write('saved\\n'); await new Promise((r) => setTimeout(r, 60000)); };
  const sinks = await loadAlertSinks(${JSON.stringify(file)});
  await deliverAlerts(await store.load(), ${JSON.stringify(changes)}, sinks, store);
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(3); });
`,
    env(),
  );
  const out = childLines(child);
  await out.waitFor((l) => l === 'saved');
  await killAndWait(child);
  expect(pd.accepted.map((e) => e.dedup_key).sort()).toEqual([critical.key, medium.key].sort());
  expect(slack.messages).toHaveLength(0);

  const sinks = await loadAlertSinks(file, env());
  const store = openStateStore(dir);
  const rerun = await deliverAlerts(await store.load(), changes, sinks, store);
  expect(rerun.errors).toEqual([]);
  expect(pd.received).toHaveLength(2);
  expect(slack.messages).toHaveLength(1);
  await deliverAlerts(await store.load(), changes, sinks, store);
  expect(pd.received).toHaveLength(2);
  expect(slack.requests).toBe(1);
});

test('GitHub: an issue opened by a run that crashed before saving is found by its marker, not opened twice', async () => {
  const sinks = (await allSinks()).filter((s) => s.name === 'issues');
  const store = openStateStore(path.join(tmp, 'state'));
  await deliverAlerts(withOpen(emptyState(), critical), { sweptAt: 't1', opened: [critical], resolved: [] }, sinks, store);
  // The state of that run was lost: sent is empty again.
  const { state } = await deliverAlerts(withOpen(emptyState(), critical), { sweptAt: 't1', opened: [critical], resolved: [] }, sinks, store);
  expect(gh.issues.get('acme/estate')).toHaveLength(1);
  expect(Object.keys(state.open[critical.key]!.sent)).toEqual(['issues']);
});

test('secrets (routing key, webhook URL, token) are in no error and not in the state', async () => {
  const store = openStateStore(path.join(tmp, 'state'));
  const sinks = await allSinks();
  pd.failNext(400);
  slack.failNext(400);
  await gh.stop();
  const { errors } = await deliverAlerts(withOpen(emptyState(), critical), { sweptAt: 't', opened: [critical], resolved: [] }, sinks, store);
  gh = await startGitHubApiDouble({});
  expect(errors).toHaveLength(3);
  const saved = await fs.readFile(path.join(tmp, 'state', 'state.json'), 'utf8').catch(() => '');
  for (const secret of [ROUTING_KEY, slack.url, new URL(slack.url).pathname, TOKEN]) {
    for (const e of errors) expect(e).not.toContain(secret);
    expect(saved).not.toContain(secret);
  }
  expect(errors[1]).toBe(`slack sink 'chat': the sweep message: answered 400 (invalid_payload)`);
});
