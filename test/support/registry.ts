/**
 * A real CNCF distribution 2.8 registry (Debian's `docker-registry`) for integration tests, in one
 * of three modes: open (plain HTTP, no auth), htpasswd-tls (basic auth over TLS with a test CA) and
 * token (Docker token auth against a token server run by the test process).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './ports';
import { makeSelfSignedCert, makeServerTls } from './tls';
import { startTokenServer } from './token-server';

export type RegistryMode = 'open' | 'htpasswd-tls' | 'token';

export interface TestRegistry {
  mode: RegistryMode;
  /** '127.0.0.1:PORT': what goes in an image reference */
  host: string;
  /** 'http://127.0.0.1:PORT' or 'https://127.0.0.1:PORT' */
  url: string;
  /** PEM file of the test CA (htpasswd-tls mode) */
  caFile?: string;
  caPem?: string;
  /** htpasswd-tls and token modes */
  username?: string;
  password?: string;
  /** token mode: set what the user may do on a repository ('*' = every repository not named) */
  grant?: (repository: string, actions: string[]) => void;
  /** token mode: how many tokens the token server issued */
  tokenRequests?: () => number;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** storage.delete.enabled (default true) */
  deleteEnabled?: boolean;
}

const REGISTRY_BINARY = 'docker-registry';
const POLL_INTERVAL_MS = 50;
const START_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 5;
const STDERR_KEEP_CHARS = 8_000;
const TEST_USER = 'user';
const TEST_PASSWORD = 'pass';
const TOKEN_SERVICE = 'ship-image-test-registry';
const TOKEN_ISSUER = 'ship-image-test-token-issuer';

/** What a mode adds to the registry config, plus the extra fields and cleanup it brings. */
interface ModeSetup {
  /** lines under `http:` (indented) */
  httpYaml?: string[];
  /** top-level config lines */
  topYaml?: string[];
  fields: Partial<TestRegistry>;
  tls?: { caPem: string };
  close(): Promise<void>;
}

/** Start a registry in `mode` on a free loopback port; `stop()` kills it and removes its files. */
export async function startRegistry(mode: RegistryMode = 'open', opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ship-image-registry-${mode}-`));
  let setup: ModeSetup | undefined;
  try {
    setup = await setUpMode(mode, dir);
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = await freePort();
      try {
        return await launch(mode, dir, port, opts, setup);
      } catch (err) {
        lastError = err as Error;
        if (!(err instanceof PortTakenError)) throw err;
      }
    }
    throw lastError ?? new Error('registry did not start');
  } catch (err) {
    await setup?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function setUpMode(mode: RegistryMode, dir: string): Promise<ModeSetup> {
  switch (mode) {
    case 'open':
      return { fields: {}, close: async () => undefined };
    case 'htpasswd-tls':
      return setUpHtpasswdTls(dir);
    case 'token':
      return setUpToken(dir);
    default:
      throw new Error(`unknown registry mode '${String(mode)}'; use open, htpasswd-tls or token`);
  }
}

/** Basic auth from a bcrypt htpasswd file, served over TLS with a certificate from a fresh test CA. */
function setUpHtpasswdTls(dir: string): ModeSetup {
  const tls = makeServerTls(dir);
  const htpasswdFile = path.join(dir, 'htpasswd');
  fs.writeFileSync(htpasswdFile, execFileSync('htpasswd', ['-Bbn', TEST_USER, TEST_PASSWORD]));
  return {
    httpYaml: [
      '  tls:',
      `    certificate: ${JSON.stringify(tls.certFile)}`,
      `    key: ${JSON.stringify(tls.keyFile)}`,
    ],
    topYaml: [
      'auth:',
      '  htpasswd:',
      '    realm: ship-image-test',
      `    path: ${JSON.stringify(htpasswdFile)}`,
    ],
    fields: { caFile: tls.caFile, caPem: tls.caPem, username: TEST_USER, password: TEST_PASSWORD },
    tls: { caPem: tls.caPem },
    close: async () => undefined,
  };
}

/** Docker token auth; the token server runs in this process and signs with a self-signed cert. */
async function setUpToken(dir: string): Promise<ModeSetup> {
  const signing = makeSelfSignedCert(dir, 'token-signing', TOKEN_ISSUER);
  const tokenServer = await startTokenServer({
    service: TOKEN_SERVICE,
    issuer: TOKEN_ISSUER,
    signingKeyPem: signing.keyPem,
    signingCertPem: signing.certPem,
    users: { [TEST_USER]: TEST_PASSWORD },
  });
  return {
    topYaml: [
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(tokenServer.realm)}`,
      `    service: ${TOKEN_SERVICE}`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${JSON.stringify(signing.certFile)}`,
    ],
    fields: {
      username: TEST_USER,
      password: TEST_PASSWORD,
      grant: (repository, actions) => tokenServer.grant(TEST_USER, repository, actions),
      tokenRequests: () => tokenServer.issued(),
    },
    close: () => tokenServer.close(),
  };
}

class PortTakenError extends Error {}

async function launch(
  mode: RegistryMode,
  dir: string,
  port: number,
  opts: StartRegistryOptions,
  setup: ModeSetup,
): Promise<TestRegistry> {
  const storageDir = path.join(dir, 'storage');
  fs.mkdirSync(storageDir, { recursive: true });
  const configFile = path.join(dir, 'config.yml');
  fs.writeFileSync(configFile, registryConfig(storageDir, port, opts.deleteEnabled ?? true, setup));

  const child = spawn('sh', ['-c', WATCHDOG, 'registry-watchdog', REGISTRY_BINARY, configFile, dir], {
    env: registryEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  unrefAll(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_KEEP_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));

  const scheme = setup.tls ? 'https' : 'http';
  const host = `127.0.0.1:${port}`;
  const url = `${scheme}://${host}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw new Error(`could not run ${REGISTRY_BINARY}: ${spawnError.message}`);
    if (exited !== undefined) {
      child.stdin?.end();
      if (/address already in use/i.test(output)) throw new PortTakenError(`port ${port} taken`);
      throw new Error(`${REGISTRY_BINARY} exited (${exited}) before answering on ${url}:\n${output}`);
    }
    const status = await probe(`${url}/v2/`, setup.tls?.caPem);
    if (status !== undefined) break;
    if (Date.now() > deadline) {
      await killChild(child);
      throw new Error(`${REGISTRY_BINARY} did not answer GET ${url}/v2/ within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await killChild(child);
      await setup.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    })());
  return { mode, host, url, ...setup.fields, stop };
}

function registryConfig(storageDir: string, port: number, deleteEnabled: boolean, setup: ModeSetup): string {
  // No storage.cache (so no redis and no in-memory descriptor cache) and no background upload
  // purging: each test sees exactly what is on disk.
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storageDir)}`,
    '  delete:',
    `    enabled: ${deleteEnabled}`,
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: ship-image-test-registry',
    ...(setup.httpYaml ?? []),
    'health:',
    '  storagedriver:',
    '    enabled: false',
    ...(setup.topYaml ?? []),
    '',
  ].join('\n');
}

/** The parent's environment without REGISTRY_* variables, which would override the config file. */
function registryEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('REGISTRY_')) env[key] = value;
  }
  return env;
}

/** Status of GET url, or undefined while nothing answers. Any HTTP answer (200, 401) means up. */
function probe(url: string, caPem: string | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { ca: caPem, timeout: 1_000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/**
 * Runs `$1 serve $2` and holds our end of its stdin pipe. When that pipe closes (stop(), or this
 * process dying in any way, even SIGKILL of a jest worker) the registry is killed and, if it was
 * still running, its directory $3 removed: no registry outlives the test process. SIGTERM kills
 * the registry at once.
 */
const WATCHDOG = `
exec 3<&0
"$1" serve "$2" </dev/null &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null; exit 143' TERM
{
  cat <&3 >/dev/null
  if kill "$pid" 2>/dev/null; then
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    rm -rf "$3"
  fi
} &
exec 3<&-
wait "$pid"
`;

/** A registry a test forgot to stop must not keep the test process alive (the watchdog ends it). */
function unrefAll(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
}

/** Close the watchdog's stdin (it stops the registry); SIGTERM, then SIGKILL, if that hangs. */
function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const term = setTimeout(() => child.kill('SIGTERM'), 3_000);
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve();
    });
    child.stdin?.end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
