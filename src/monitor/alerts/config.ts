import { parseDocument } from 'yaml';
import { UserError } from '../../core/errors';
import { addSecret } from '../../core/log';
import { readTextCappedAsync } from '../../core/read-capped';
import { SEVERITY_ORDER, type Severity } from '../../scan/vulnerability';
import { FINDING_KINDS, type FindingKind } from '../model';

// The `--alerts FILE`: sinks, each with one destination and an optional route. Secrets are never
// written in the file: it names the environment variable that holds each one, and the value read
// from there is registered as a secret at once (masked in every log and message).

export const ALERTS_FILE_MAX_BYTES = 256 * 1024;
const MAX_SINKS = 32;
const MAX_ALIASES = 100;
const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ENV_RE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const REPO_RE = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const LABEL_MAX = 50;

export interface AlertRoute {
  /** Findings below this severity are not sent (default: all). */
  minSeverity: Severity;
  /** Only these kinds (default: every kind). */
  kinds: readonly FindingKind[];
}

export type SinkConfig =
  | { name: string; route: AlertRoute; type: 'pagerduty'; routingKey: string; url: string; source?: string }
  | { name: string; route: AlertRoute; type: 'slack'; webhookUrl: string }
  | { name: string; route: AlertRoute; type: 'github'; repository: string; token: string; apiUrl: string; labels: string[] };

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const GITHUB_API_URL = 'https://api.github.com';

export const ALL_ROUTE: AlertRoute = { minSeverity: 'UNKNOWN', kinds: FINDING_KINDS };

const SEVERITY_WORDS = SEVERITY_ORDER.map((s) => s.toLowerCase());

class Bad extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function keys(o: Obj, path: string, allowed: readonly string[]): void {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new Bad(`${path}.${extra.slice(0, 60)}: unknown key; allowed here: ${allowed.join(', ')}`);
}

function string(o: Obj, key: string, path: string, re?: RegExp, hint?: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new Bad(`${path}.${key}: ${v === undefined ? 'missing; add it' : 'must be a non-empty string'}`);
  if (re && !re.test(v)) throw new Bad(`${path}.${key}: ${hint ?? `does not match ${re}`}`);
  return v;
}

function optionalString(o: Obj, key: string, path: string): string | undefined {
  return o[key] === undefined ? undefined : string(o, key, path);
}

/** Why `text` is not an https URL (or http to a loopback host: a local relay, a test double). */
function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must be an https URL';
  if (url.username || url.password) return 'must not carry credentials';
  return undefined;
}

function checkUrl(text: string, path: string): string {
  const problem = urlProblem(text);
  if (problem) throw new Bad(`${path}: ${problem}`);
  return new URL(text).toString();
}

function secretFromEnv(o: Obj, key: string, path: string, env: NodeJS.ProcessEnv): string {
  const name = string(o, key, path, ENV_RE, 'must be the name of an environment variable (letters, digits, _)');
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new Bad(`${path}.${key}: the environment variable ${name} is not set; set it, or remove this sink`);
  addSecret(value);
  return value.trim();
}

function route(v: unknown, path: string): AlertRoute {
  if (v === undefined) return ALL_ROUTE;
  if (!isObj(v)) throw new Bad(`${path}: must be {minSeverity: SEVERITY, kinds: [KIND, ...]}`);
  keys(v, path, ['minSeverity', 'kinds']);
  let minSeverity: Severity = 'UNKNOWN';
  if (v.minSeverity !== undefined) {
    if (typeof v.minSeverity !== 'string' || !SEVERITY_WORDS.includes(v.minSeverity.toLowerCase())) throw new Bad(`${path}.minSeverity: must be one of ${SEVERITY_WORDS.join(', ')}`);
    minSeverity = v.minSeverity.toUpperCase() as Severity;
  }
  let kinds: readonly FindingKind[] = FINDING_KINDS;
  if (v.kinds !== undefined) {
    if (!Array.isArray(v.kinds) || v.kinds.length === 0) throw new Bad(`${path}.kinds: must be a non-empty list of ${FINDING_KINDS.join(', ')}`);
    v.kinds.forEach((k, i) => {
      if (!(FINDING_KINDS as readonly unknown[]).includes(k)) throw new Bad(`${path}.kinds[${i}]: must be one of ${FINDING_KINDS.join(', ')}`);
    });
    kinds = [...new Set(v.kinds as FindingKind[])];
  }
  return { minSeverity, kinds };
}

const DESTINATIONS = ['pagerduty', 'slack', 'github'] as const;

function sink(v: unknown, path: string, env: NodeJS.ProcessEnv): SinkConfig {
  if (!isObj(v)) throw new Bad(`${path}: must be a sink {name, pagerduty|slack|github, route}`);
  keys(v, path, ['name', 'route', ...DESTINATIONS]);
  const name = string(v, 'name', path, NAME_RE, 'must be lowercase letters, digits, - and _ (at most 63)');
  const given = DESTINATIONS.filter((d) => v[d] !== undefined);
  if (given.length !== 1) throw new Bad(`${path}: set exactly one of ${DESTINATIONS.join(', ')}${given.length ? ` (found ${given.join(', ')})` : ''}`);
  const type = given[0]!;
  const r = route(v.route, `${path}.route`);
  const dpath = `${path}.${type}`;
  const d = v[type];
  if (!isObj(d)) throw new Bad(`${dpath}: must be a mapping`);
  switch (type) {
    case 'pagerduty': {
      keys(d, dpath, ['routingKeyEnv', 'url', 'source']);
      const url = checkUrl(optionalString(d, 'url', dpath) ?? PAGERDUTY_EVENTS_URL, `${dpath}.url`);
      return { name, route: r, type, routingKey: secretFromEnv(d, 'routingKeyEnv', dpath, env), url, source: optionalString(d, 'source', dpath) };
    }
    case 'slack': {
      keys(d, dpath, ['webhookUrlEnv']);
      const webhookUrl = secretFromEnv(d, 'webhookUrlEnv', dpath, env);
      // Never quote the value: the webhook URL is the secret.
      if (urlProblem(webhookUrl)) throw new Bad(`${dpath}.webhookUrlEnv: the value of ${String(d.webhookUrlEnv)} is not an https webhook URL`);
      return { name, route: r, type, webhookUrl };
    }
    case 'github': {
      keys(d, dpath, ['repository', 'tokenEnv', 'apiUrl', 'labels']);
      const repository = string(d, 'repository', dpath, REPO_RE, 'must be OWNER/REPO');
      const apiUrl = checkUrl(optionalString(d, 'apiUrl', dpath) ?? env.GITHUB_API_URL ?? GITHUB_API_URL, `${dpath}.apiUrl`).replace(/\/+$/, '');
      let labels = ['ship-image-monitor'];
      if (d.labels !== undefined) {
        if (!Array.isArray(d.labels) || d.labels.length === 0 || d.labels.length > 10 || !d.labels.every((l) => typeof l === 'string' && l.trim() !== '' && l.length <= LABEL_MAX)) {
          throw new Bad(`${dpath}.labels: must be a list of 1 to 10 labels of at most ${LABEL_MAX} characters`);
        }
        labels = d.labels as string[];
      }
      return { name, route: r, type, repository, token: secretFromEnv(d, 'tokenEnv', dpath, env), apiUrl, labels };
    }
  }
}

/** The sinks of an alerts file's text; `source` names it in messages. */
export function parseAlertsConfig(text: string, source: string, env: NodeJS.ProcessEnv): SinkConfig[] {
  const fail = (what: string): never => {
    throw new UserError(`${source}: ${what}`);
  };
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) fail(`YAML: ${doc.errors[0]!.message.split('\n')[0]}; fix the syntax`);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    fail(`YAML: its aliases expand too far; write the values out`);
  }
  try {
    if (!isObj(raw)) throw new Bad('(top level): must be a mapping with sinks: [...]');
    keys(raw, '(top level)', ['sinks']);
    if (!Array.isArray(raw.sinks) || raw.sinks.length === 0) throw new Bad(`sinks: ${raw.sinks === undefined ? 'missing; add a list of sinks' : 'must be a non-empty list'}`);
    if (raw.sinks.length > MAX_SINKS) throw new Bad(`sinks: more than ${MAX_SINKS} sinks`);
    const sinks = raw.sinks.map((s, i) => sink(s, `sinks[${i}]`, env));
    const names = new Set<string>();
    sinks.forEach((s, i) => {
      if (names.has(s.name)) throw new Bad(`sinks[${i}].name: '${s.name}' is used by another sink; names must be unique (the state records deliveries by name)`);
      names.add(s.name);
    });
    return sinks;
  } catch (err) {
    if (err instanceof Bad) fail(err.message);
    throw err;
  }
}

export async function readAlertsConfig(file: string, env: NodeJS.ProcessEnv): Promise<SinkConfig[]> {
  const text = await readTextCappedAsync(file, ALERTS_FILE_MAX_BYTES, { what: 'the alerts file', hint: 'check --alerts' });
  return parseAlertsConfig(text, file, env);
}
