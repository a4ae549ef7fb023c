/**
 * Alerts end to end: `ship-image monitor` (in-process CLI) sweeps a REAL shipped image in a real
 * registry with the real trivy, the fixture DB changed between sweeps, and delivers to a PagerDuty
 * Events v2 DOUBLE and a Slack webhook DOUBLE (neither service runs here). A CVE appears: one
 * trigger; it leaves the DB: one resolve; a third sweep sends nothing; a crash-free re-run of the
 * same sweep sends nothing twice.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFixtureDb } from '../src/fixture-db/write-fixture-db';
import { startPagerDutyDouble, type PagerDutyDouble } from './support/pagerduty-double';
import { startRegistry, type TestRegistry } from './support/registry';
import { runMain } from './support/run-main';
import { APPEARING, DAY, shipEstate } from './support/shipped-estate';
import { startSlackDouble, type SlackDouble } from './support/slack-double';
import { ADVISORIES_YAML, trivyBinary } from './support/trivy';

jest.setTimeout(600_000);

const ROUTING_KEY = 'R0UT1NGKEYSECRET0000000000000000';

describe('monitor alerts over real sweeps', () => {
  let dir: string;
  let registry: TestRegistry;
  let pd: PagerDutyDouble;
  let slack: SlackDouble;
  let argv: string[];
  let reducedYaml: string;
  let monitorCache: string;
  let digest: string;
  const t0 = new Date();
  const env = (): Record<string, string> => ({ PAGERDUTY_ROUTING_KEY: ROUTING_KEY, SLACK_WEBHOOK_URL: slack.url });
  const sweep = () => runMain(argv, env());

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'monitor-alerts-'));
    [registry, pd, slack] = await Promise.all([startRegistry('open'), startPagerDutyDouble({ routingKeys: [ROUTING_KEY] }), startSlackDouble()]);
    const estate = await shipEstate(dir, registry.host, { app: { 'org.opencontainers.image.created': new Date(t0.getTime() - DAY).toISOString() } }, t0);
    digest = estate.digests.app;
    reducedYaml = estate.reducedYaml;
    monitorCache = estate.monitorCache;
    const repository = `${registry.host}/acme/app`;
    const inventory = path.join(dir, 'inventory.json');
    writeFileSync(
      inventory,
      JSON.stringify({ images: [{ digest, repository, workloads: [{ cluster: 'prod', namespace: 'shop', kind: 'Deployment', name: 'app', pod: 'app-1', container: 'app', image: `${repository}:v1` }] }] }),
    );
    const alerts = path.join(dir, 'alerts.yaml');
    writeFileSync(
      alerts,
      `sinks:\n  - name: pager\n    pagerduty: { routingKeyEnv: PAGERDUTY_ROUTING_KEY, url: "${pd.url}" }\n    route: { minSeverity: high, kinds: [vulnerability, signature] }\n  - name: chat\n    slack: { webhookUrlEnv: SLACK_WEBHOOK_URL }\n`,
    );
    argv = ['monitor', '--inventory', inventory, '--policy', estate.policyPath, '--state', path.join(dir, 'state'), '--alerts', alerts, '--trivy-cache', monitorCache, '--trivy', trivyBinary(), '--json'];
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), pd?.stop(), slack?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('nothing to say on a clean estate: no PagerDuty event, no Slack message', async () => {
    const first = await sweep();
    expect(first.code).toBe(0);
    expect(pd.received).toEqual([]);
    expect(slack.messages).toEqual([]);
  });

  test('the DB learns a CVE: exactly one trigger with the finding key, one Slack summary; the same sweep again sends nothing', async () => {
    await writeFixtureDb(ADVISORIES_YAML, monitorCache, { now: t0 });
    const second = await sweep();
    expect(second.code).toBe(0);
    const key = `${digest}/vulnerability/${APPEARING}`;
    expect(pd.accepted).toHaveLength(1);
    expect(pd.accepted[0]).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: key,
      payload: { severity: 'error', summary: expect.stringContaining(APPEARING) as unknown },
    });
    expect(slack.messages).toHaveLength(1);
    expect(JSON.stringify(slack.messages[0])).toContain(APPEARING);

    const again = await sweep(); // nothing changed: the open finding is never re-sent
    expect(again.code).toBe(0);
    expect(pd.accepted).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
  });

  test('the CVE leaves the DB: exactly one resolve for that key; a third sweep sends nothing', async () => {
    await writeFixtureDb(reducedYaml, monitorCache, { now: new Date(t0.getTime() + DAY) });
    await sweep();
    expect(pd.accepted.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', `${digest}/vulnerability/${APPEARING}`],
      ['resolve', `${digest}/vulnerability/${APPEARING}`],
    ]);
    expect(pd.alerts.get(`${digest}/vulnerability/${APPEARING}`)).toBe('resolved');
    expect(slack.messages).toHaveLength(2);

    await sweep();
    expect(pd.accepted).toHaveLength(2);
    expect(slack.messages).toHaveLength(2);
  });

  test('secrets reach neither the output nor the state', async () => {
    const result = await sweep();
    expect(result.code).toBe(0);
    const state = readdirSync(path.join(dir, 'state'))
      .map((f) => readFileSync(path.join(dir, 'state', f), 'utf8'))
      .join('\n');
    expect(state).toContain('"history"'); // the state file was read
    for (const secret of [ROUTING_KEY, slack.url]) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(state).not.toContain(secret);
    }
  });
});
