import { UserError } from '../../core/errors';
import type { Logger } from '../../core/log';
import { READ_CAPS, readTextCapped } from '../../core/read-capped';
import { inertText } from '../../core/untrusted-text';
import { positiveDuration } from '../../policy/duration';
import { serve, type Serving } from '../../serve/run';
import { flagCommand, type Command } from '../command';
import { registryOptionsFromFlags } from '../registry-flags';

const USAGE =
  'ship-image serve --policy FILE --tls-cert F --tls-key F [--client-ca F] [--listen ADDR] [--audit] [--trusted-root FILE] [--insecure-registry HOST]... [--cache-ttl 5m]';

const HELP = `usage: ${USAGE}

Serves the policy to the cluster over HTTPS: the very verification \`ship-image verify\` runs, as an
OPA Gatekeeper external data provider and as a Kubernetes validating admission webhook. Tags are
resolved to digests at admission; the verdict is for that digest. When the registry or the trust
root cannot be reached the answer is a denial with the reason (fail closed). See docs/serve.md.

endpoints:
  POST /gatekeeper   externaldata.gatekeeper.sh/v1beta1 ProviderRequest -> ProviderResponse
  POST /validate     admission.k8s.io/v1 AdmissionReview (Pods and the pod templates of workloads)
  GET  /healthz, /readyz, /metrics (Prometheus text format)

options:
  --policy FILE            the ship-image policy (docs/policy.md); reloaded on change and on SIGHUP
  --tls-cert FILE          the server certificate (PEM, with its chain)
  --tls-key FILE           its private key (PEM)
  --client-ca FILE         require a client certificate signed by this CA on POST endpoints (mTLS)
  --listen ADDR            [host]:port to listen on (default :8443)
  --audit                  never deny: failures come back as warnings (webhook) or allowed items
  --trusted-root FILE      Sigstore trusted_root.json instead of the policy's (needed for sigstore: github)
  --insecure-registry HOST allow plain HTTP / unverified TLS for HOST (repeatable)
  --cache-ttl DURATION     how long a digest's verdict is reused (default 5m, at most 1h)
`;

const FLAGS = {
  policy: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'client-ca': { type: 'string' },
  listen: { type: 'string' },
  audit: { type: 'boolean' },
  'trusted-root': { type: 'string' },
  'insecure-registry': { type: 'string', multiple: true },
  'cache-ttl': { type: 'string' },
} as const;

export const DEFAULT_LISTEN = ':8443';
const MAX_CACHE_TTL_MS = 3600_000;

/** `[host]:port`, `host:port` or `[v6]:port`. */
export function parseListen(text: string): { host?: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UserError(`--listen '${inertText(text, { max: 100 })}' is not [host]:port; write e.g. :8443 or 127.0.0.1:8443`);
  const host = m[1] ?? (m[2] || undefined);
  return { host, port };
}

export function parseCacheTtl(text: string): number {
  const d = positiveDuration(text);
  if (!d || d.milliseconds < 1) throw new UserError(`--cache-ttl '${inertText(text, { max: 100 })}' is not a positive duration; write e.g. 5m`);
  if (d.milliseconds > MAX_CACHE_TTL_MS) throw new UserError(`--cache-ttl ${text} is over 1h: a verdict depends on the time (scan age, CRITICAL grace), so it may not be reused that long`);
  return d.milliseconds;
}

function readPem(file: string, flag: string): string {
  try {
    return readTextCapped(file, READ_CAPS.certificate);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${flag}: ${err.message}`);
    throw err;
  }
}

export interface ServeCommandDeps {
  env: NodeJS.ProcessEnv;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  /** Resolves when the server should stop (the CLI: SIGTERM or SIGINT). */
  stopped(serving: Serving): Promise<void>;
}

export function makeServeCommand(deps: ServeCommandDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    if (positionals.length > 0) throw new UserError(`serve takes no positional arguments; usage: ${USAGE}`);
    for (const flag of ['policy', 'tls-cert', 'tls-key'] as const) if (!values[flag]) throw new UserError(`--${flag} FILE is required; usage: ${USAGE}`);
    const listen = parseListen(values.listen ?? DEFAULT_LISTEN);
    const cacheTtlMs = parseCacheTtl(values['cache-ttl'] ?? '5m');
    const tls = {
      cert: readPem(values['tls-cert']!, '--tls-cert'),
      key: readPem(values['tls-key']!, '--tls-key'),
      clientCa: values['client-ca'] ? readPem(values['client-ca'], '--client-ca') : undefined,
    };
    const line = (m: string) => inertText(m, { max: 4000 });
    const logger: Logger = { info: (m) => deps.writeStderr(`${line(m)}\n`), warn: (m) => deps.writeStderr(`warning: ${line(m)}\n`), debug() {} };
    const registry = registryOptionsFromFlags({ 'insecure-registry': values['insecure-registry'] }, deps.env, () => '');
    let serving: Serving;
    try {
      serving = await serve({
        policyFile: values.policy!,
        trustedRootFile: values['trusted-root'],
        tls,
        host: listen.host,
        port: listen.port,
        audit: !!values.audit,
        cacheTtlMs,
        registry: { ...registry, logger },
        logger,
        handleSighup: true,
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') throw new UserError(`cannot listen on ${values.listen ?? DEFAULT_LISTEN}: ${code}`);
      if (err instanceof Error && /key|cert|PEM|asn1/i.test(err.message) && !(err instanceof UserError)) {
        throw new UserError(`--tls-cert/--tls-key are not a usable certificate and key: ${err.message}`);
      }
      throw err;
    }
    logger.info(`serve: listening on ${listen.host ?? '*'}:${serving.port}${values.audit ? ' (audit mode)' : ''}${tls.clientCa ? ', client certificates required' : ''}`);
    await deps.stopped(serving);
    await serving.close();
    return 0;
  });
}

export const serveCommand: Command = makeServeCommand({
  env: process.env,
  writeStdout: (text) => process.stdout.write(text),
  writeStderr: (text) => process.stderr.write(text),
  stopped: () =>
    new Promise((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    }),
});

/** What src/cli/main.ts loads. */
export const command = serveCommand;
