// `serve` assembled: the policy holder, the registry client, the verifier over the verify core,
// the metrics, the HTTPS server, and reload on SIGHUP or file change.
import { RegistryClient, type RegistryClientOptions } from '../oci/registry';
import type { ImageReference } from '../oci/reference';
import type { Logger } from '../core/log';
import { loadPolicy } from '../policy/load';
import { bundleOutcomeCache } from '../verify/collect';
import { trustedRootForPolicy } from '../verify/policy-root';
import { loadTrustedRoot } from '../verify/trusted-root';
import { verifyImage } from '../verify/verify-image';
import { Limiter } from './limiter';
import { Metrics } from './metrics';
import { PolicyHolder, type Loaded } from './policy-holder';
import { startServer, type RunningServer, type ServerTls } from './server';
import { Verifier } from './verifier';

export interface ServeConfig {
  policyFile: string;
  trustedRootFile?: string;
  tls: ServerTls;
  host?: string;
  port: number;
  audit: boolean;
  cacheTtlMs: number;
  registry: RegistryClientOptions;
  logger: Logger;
  /** Verifications running at once (each fetches up to 8 referrers side by side); tag resolutions get twice as many slots. */
  maxInFlight?: number;
  maxBodyBytes?: number;
  gatekeeperDeadlineMs?: number;
  webhookDeadlineMs?: number;
  /** Reload on SIGHUP (the CLI; tests call reload() instead). */
  handleSighup?: boolean;
  /** Watch the policy and trusted-root files (default true). */
  watch?: boolean;
}

export interface Serving {
  port: number;
  verifier: Verifier;
  metrics: Metrics;
  reload(): void;
  close(): Promise<void>;
}

export const DEFAULT_MAX_IN_FLIGHT = 8;

/** Loads the policy (and root) and checks the root is usable: a bad file fails here, not at a request. */
export function policyLoader(policyFile: string, trustedRootFile?: string): () => Loaded {
  return () => {
    const policy = loadPolicy(policyFile);
    const trustedRoot = trustedRootFile ? loadTrustedRoot({ kind: 'file', path: trustedRootFile }) : undefined;
    trustedRootForPolicy(policy, trustedRoot);
    return { policy, trustedRoot };
  };
}

export async function serve(config: ServeConfig): Promise<Serving> {
  const metrics = new Metrics();
  const holder = new PolicyHolder(policyLoader(config.policyFile, config.trustedRootFile), config.logger, (result) => {
    metrics.inc('ship_image_serve_policy_reloads_total', 'Policy reloads, by result (changed, unchanged, failed: the old policy stays)', { result });
    if (result === 'changed') verifier.clear();
  });
  // Admission answers within seconds: few retries, short connects; a registry that hangs is an error verdict, not a wait.
  const client = new RegistryClient({ maxAttempts: 2, connectTimeoutMs: 3000, deadlineMs: 15_000, ...config.registry });
  const verifyLimiter = new Limiter(config.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const resolveLimiter = new Limiter(2 * verifyLimiter.limit);
  const verifier: Verifier = new Verifier({
    state: () => holder.current(),
    resolveTag: async (ref: ImageReference) => (await client.repository(ref.registry, ref.repository).resolve(ref.tag!)).digest,
    // the verdict only: cosign's legacy tags never count, so their two requests per image are skipped
    verify: (digestRef, policy) => verifyImage(digestRef, policy, { client, trustedRoot: holder.current().trustedRoot, legacyTags: false }),
    resolveLimiter,
    verifyLimiter,
    ttlMs: config.cacheTtlMs,
    events: {
      cache: (hit) => metrics.inc('ship_image_serve_cache_requests_total', 'Verdict cache lookups, by result', { cache: 'verdict', result: hit ? 'hit' : 'miss' }),
      registry: (op, seconds, ok) =>
        metrics.observe('ship_image_serve_registry_seconds', 'Registry work per image: tag resolution (one request) and verification (referrers, bundles)', seconds, { op, result: ok ? 'ok' : 'error' }),
    },
  });
  metrics.sample('ship_image_serve_bundle_cache_hits_total', 'Verified bundle outcomes reused (per referrer digest)', () => bundleOutcomeCache.hits, 'counter');
  metrics.sample('ship_image_serve_bundle_cache_misses_total', 'Bundles fetched and verified', () => bundleOutcomeCache.misses, 'counter');
  metrics.sample('ship_image_serve_cached_verdicts', 'Verdicts in the cache', () => verifier.cachedVerdicts);
  metrics.sample('ship_image_serve_verifications_in_flight', 'Verifications running', () => verifyLimiter.active);
  metrics.sample('ship_image_serve_verifications_queued', 'Verifications waiting for a slot', () => verifyLimiter.queued);
  metrics.sample('ship_image_serve_resolutions_in_flight', 'Tag resolutions running', () => resolveLimiter.active);
  metrics.sample('ship_image_serve_policy_generation', 'Generation of the policy in force (1 at start, +1 per changed reload)', () => holder.current().generation);

  let server: RunningServer;
  try {
    server = await startServer({
      host: config.host,
      port: config.port,
      tls: config.tls,
      verifier,
      audit: () => config.audit || holder.current().policy.mode === 'audit',
      metrics,
      logger: config.logger,
      maxBodyBytes: config.maxBodyBytes,
      gatekeeperDeadlineMs: config.gatekeeperDeadlineMs,
      webhookDeadlineMs: config.webhookDeadlineMs,
    });
  } catch (err) {
    client.close();
    throw err;
  }
  if (config.watch ?? true) holder.watch([config.policyFile, ...(config.trustedRootFile ? [config.trustedRootFile] : [])]);
  const onHup = () => holder.reload('SIGHUP');
  if (config.handleSighup) process.on('SIGHUP', onHup);
  return {
    port: server.port,
    verifier,
    metrics,
    reload: () => void holder.reload('reload()'),
    close: async () => {
      process.off('SIGHUP', onHup);
      holder.close();
      await server.close();
      client.close();
    },
  };
}
