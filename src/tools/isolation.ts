import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a scanner (trivy, grype, syft) may see of our world. Its report is signed, so nothing the
 * caller committed or the runner's environment holds may shape it:
 * - it runs in a fresh, empty working directory, so `.trivyignore`, `trivy.yaml`, `.grype.yaml`,
 *   `.syft.yaml` and the like in the workspace are never read (the adapters also name an explicit,
 *   empty config and ignore file, so a tool that searches further afield finds nothing either);
 * - its environment is an allowlist, not the runner's: a denylist would have to guess every
 *   `TRIVY_*`/`GRYPE_*`/`SYFT_*` setting and every credential name (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`,
 *   `ACTIONS_RUNTIME_TOKEN`, `GITHUB_TOKEN`, `AWS_*`, `*_PASSWORD`, ...) a runner may hold; an
 *   allowlist passes what a scanner needs to reach a registry and nothing else. The adapter adds
 *   the tool's own settings and the registry credentials it builds (`TRIVY_USERNAME`, ...).
 */
export const SCANNER_ENV_ALLOWLIST: readonly string[] = [
  // finding helpers (docker credential helpers) and a home for ~/.docker/config.json
  'PATH',
  'HOME',
  'DOCKER_CONFIG',
  // temp files
  'TMPDIR',
  'TMP',
  'TEMP',
  // reaching a registry from behind a proxy or with a private CA
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

/**
 * The runner's request credentials: the OIDC token endpoint (whoever holds it can sign as this
 * workflow), the runtime/cache/results service tokens. A builder gets the rest of the environment —
 * it needs DOCKER_*, BUILDX_*, CONTAINERS_*, XDG_RUNTIME_DIR and more than an allowlist could name,
 * and the caller's build code runs in it anyway — but never these: ship-image uses no GitHub cache
 * backend, and signing happens in ship-image itself.
 */
export function withoutRunnerTokens(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) if (!RUNNER_TOKEN_RE.test(name)) env[name] = value;
  return env;
}

const RUNNER_TOKEN_RE = /^ACTIONS_(ID_TOKEN_REQUEST_(TOKEN|URL)|RUNTIME_(TOKEN|URL)|CACHE_URL|RESULTS_URL)$/;

/** The allowlisted part of `base`, then the adapter's own `extra` settings. */
export function scannerEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of SCANNER_ENV_ALLOWLIST) if (base[name] !== undefined) env[name] = base[name];
  return { ...env, ...extra };
}

/** A fresh empty directory for one tool run, removed after `fn` settles. */
export async function inEmptyDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ship-image-tool-cwd-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An empty file at `dir/name` (an explicit config or ignore file that says nothing). */
export async function emptyFile(dir: string, name: string, content = ''): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}
