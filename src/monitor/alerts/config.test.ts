import { parseAlertsConfig } from './config';

const env = { PD: 'R0UT1NGKEY0123456789abcdefABCDEF', HOOK: 'https://hooks.slack.com/services/T1/B1/sekrit', TOK: 'ghs_tok_0123456789' };

test('the documented example: three sinks, routes, secrets from the environment', () => {
  const sinks = parseAlertsConfig(
    `sinks:
  - name: pager
    pagerduty: { routingKeyEnv: PD }
    route: { minSeverity: high, kinds: [vulnerability, signature] }
  - name: chat
    slack: { webhookUrlEnv: HOOK }
  - name: issues
    github: { repository: owner/repo, tokenEnv: TOK }
`,
    'alerts.yaml',
    env,
  );
  expect(sinks).toEqual([
    { name: 'pager', type: 'pagerduty', routingKey: env.PD, url: 'https://events.pagerduty.com/v2/enqueue', route: { minSeverity: 'HIGH', kinds: ['vulnerability', 'signature'] } },
    { name: 'chat', type: 'slack', webhookUrl: env.HOOK, route: { minSeverity: 'UNKNOWN', kinds: ['signature', 'vulnerability', 'stale', 'drift', 'no-sbom', 'unreachable'] } },
    { name: 'issues', type: 'github', repository: 'owner/repo', token: env.TOK, apiUrl: 'https://api.github.com', labels: ['ship-image-monitor'], route: expect.any(Object) },
  ]);
});

test.each([
  ['sinks: [', /^a\.yaml: YAML: .*; fix the syntax$/],
  ['{}', /^a\.yaml: sinks: missing; add a list of sinks$/],
  ['sinks: []', /sinks: must be a non-empty list/],
  ['other: 1\nsinks: []', /\(top level\)\.other: unknown key; allowed here: sinks/],
  ['sinks: [{ name: p }]', /sinks\[0\]: set exactly one of pagerduty, slack, github$/],
  ['sinks: [{ name: p, slack: { webhookUrlEnv: HOOK }, pagerduty: { routingKeyEnv: PD } }]', /set exactly one of pagerduty, slack, github \(found pagerduty, slack\)/],
  ['sinks: [{ name: P, slack: { webhookUrlEnv: HOOK } }]', /sinks\[0\]\.name: must be lowercase/],
  ['sinks: [{ name: p, pagerduty: { routingKey: abc } }]', /sinks\[0\]\.pagerduty\.routingKey: unknown key; allowed here: routingKeyEnv, url, source/],
  ['sinks: [{ name: p, pagerduty: { routingKeyEnv: MISSING } }]', /sinks\[0\]\.pagerduty\.routingKeyEnv: the environment variable MISSING is not set; set it, or remove this sink/],
  ['sinks: [{ name: p, pagerduty: { routingKeyEnv: PD, url: "http://events.example/v2/enqueue" } }]', /sinks\[0\]\.pagerduty\.url: must be an https URL/],
  ['sinks: [{ name: p, slack: { webhookUrlEnv: PD } }]', /sinks\[0\]\.slack\.webhookUrlEnv: the value of PD is not an https webhook URL/],
  ['sinks: [{ name: p, github: { repository: nope, tokenEnv: TOK } }]', /github\.repository: must be OWNER\/REPO/],
  ['sinks: [{ name: p, slack: { webhookUrlEnv: HOOK }, route: { minSeverity: severe } }]', /route\.minSeverity: must be one of unknown, low, medium, high, critical/],
  ['sinks: [{ name: p, slack: { webhookUrlEnv: HOOK }, route: { kinds: [cves] } }]', /route\.kinds\[0\]: must be one of signature/],
  ['sinks: [{ name: p, slack: { webhookUrlEnv: HOOK } }, { name: p, pagerduty: { routingKeyEnv: PD } }]', /sinks\[1\]\.name: 'p' is used by another sink/],
])('%s is refused in one line', (yaml, message) => {
  let err: Error | undefined;
  try {
    parseAlertsConfig(yaml, 'a.yaml', env);
  } catch (e) {
    err = e as Error;
  }
  expect(err?.name).toBe('UserError');
  expect(err?.message).toMatch(message);
  expect(err?.message).not.toContain('\n');
  for (const secret of Object.values(env)) expect(err?.message).not.toContain(secret);
});
