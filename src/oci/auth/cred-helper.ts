import { spawn } from 'node:child_process';
import { UserError } from '../../core/errors';
import { addSecret } from '../../core/log';

/** What `docker-credential-<helper> get` answers. `username` `<token>` means `secret` is an identity token. */
export interface HelperCredential {
  username: string;
  secret: string;
}

const HELPER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Run `docker-credential-<helper> get` with the server URL on stdin (the docker credential helper
 * protocol). Returns undefined when the helper has nothing for that server.
 */
export function runCredentialHelper(
  helper: string,
  serverUrl: string,
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; configuredIn?: string } = {},
): Promise<HelperCredential | undefined> {
  const program = `docker-credential-${helper}`;
  const where = opts.configuredIn ? ` (named in ${opts.configuredIn})` : '';
  if (!HELPER_NAME_RE.test(helper)) {
    return Promise.reject(new UserError(`credential helper name '${helper}'${where} is not valid; use a plain name like 'pass' or 'ecr-login'`));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new UserError(`credential helper ${program}${where} did not answer within ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms; check that it works with '${program} get'`)));
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes <= MAX_OUTPUT_BYTES) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          e.code === 'ENOENT'
            ? new UserError(`credential helper ${program}${where} is not on PATH; install it or remove it from the docker config`)
            : new UserError(`credential helper ${program}${where} could not run: ${e.message}`),
        ),
      ),
    );
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
    child.on('close', (code) =>
      finish(() => {
        const stdout = Buffer.concat(out).toString('utf8').trim();
        const stderr = Buffer.concat(err).toString('utf8').trim();
        if (code !== 0) {
          if (/credentials not found/i.test(stdout + stderr)) return resolve(undefined);
          const why = (stderr || stdout).split('\n')[0]?.slice(0, 200) ?? '';
          return reject(new UserError(`credential helper ${program}${where} failed for ${serverUrl} (exit ${code}${why ? `: ${why}` : ''}); run '${program} get' to see why`));
        }
        let parsed: { Username?: unknown; Secret?: unknown };
        try {
          parsed = JSON.parse(stdout) as typeof parsed;
        } catch {
          return reject(new UserError(`credential helper ${program}${where} printed something other than JSON for ${serverUrl}; it must print {"Username":..,"Secret":..}`));
        }
        if (typeof parsed.Secret !== 'string' || parsed.Secret === '') return resolve(undefined);
        addSecret(parsed.Secret);
        resolve({ username: typeof parsed.Username === 'string' ? parsed.Username : '', secret: parsed.Secret });
      }),
    );
    child.stdin.end(serverUrl);
  });
}
