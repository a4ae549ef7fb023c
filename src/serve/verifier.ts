// Verdicts for image references: coverage by the policy, the tag resolved to a digest, then the
// verify core's verdict for that digest, cached for a bounded time and shared by concurrent asks.
// Every way of not reaching a verdict is an `error` verdict (fail closed), never a throw.
import { oneLine } from '../core/errors';
import { formatReference, parseReference, type ImageReference } from '../oci/reference';
import { NotFoundError } from '../oci/store';
import { imageMatchesGlobs } from '../policy/glob';
import type { Policy } from '../policy/types';
import type { VerifyReport } from '../verify/verify-image';
import type { Limiter } from './limiter';
import { verdictOfReport, type ImageVerdict, type RuleOutcome } from './verdict';

/** The policy in force and a number that changes whenever it does (cached verdicts are per generation). */
export interface PolicyState {
  policy: Policy;
  generation: number;
}

export interface VerifierDeps {
  /** The policy in force now (reloads swap it; a request keeps the state it started with). */
  state(): PolicyState;
  /** The manifest digest `registry/repository:tag` names now. */
  resolveTag(ref: ImageReference): Promise<string>;
  /** The verify core on `registry/repository@digest`. */
  verify(digestRef: string, policy: Policy): Promise<Pick<VerifyReport, 'digest' | 'rules'>>;
  /** Bounds the tag resolutions (one registry request each) running at once. */
  resolveLimiter: Limiter;
  /** Bounds the verifications (referrer listing, then up to 8 bundle fetches each) running at once; apart, so a warm request never queues behind cold ones. */
  verifyLimiter: Limiter;
  /** How long a verdict is reused. */
  ttlMs: number;
  maxEntries?: number;
  /** Verifications allowed to wait for a slot; past it an image is an error verdict at once (default 1000). */
  maxQueued?: number;
  /** An answer that is not ready by then is an error verdict; the work goes on and fills the cache. */
  answerDeadlineMs?: number;
  now?: () => number;
  events?: VerifierEvents;
}

export interface VerifierEvents {
  cache?(hit: boolean): void;
  registry?(op: 'resolve' | 'verify', seconds: number, ok: boolean): void;
}

interface Cached {
  digest: string;
  passed: boolean;
  rules: RuleOutcome[];
  expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_QUEUED = 1000;

export class Verifier {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Cached>>();
  private readonly now: () => number;

  constructor(private readonly deps: VerifierDeps) {
    this.now = deps.now ?? Date.now;
  }

  get cachedVerdicts(): number {
    return this.cache.size;
  }

  /** Forget every verdict (a new policy judges afresh). */
  clear(): void {
    this.cache.clear();
  }

  /** A verdict for each distinct image, keyed by the image as given. */
  async verdicts(images: readonly string[], deadlineMs = this.deps.answerDeadlineMs): Promise<Map<string, ImageVerdict>> {
    const state = this.deps.state();
    const distinct = [...new Set(images)];
    const results = await Promise.all(distinct.map((image) => this.withDeadline(image, this.verdict(image, state), deadlineMs)));
    return new Map(distinct.map((image, i) => [image, results[i]!]));
  }

  private async withDeadline(image: string, work: Promise<ImageVerdict>, deadlineMs: number | undefined): Promise<ImageVerdict> {
    if (deadlineMs === undefined) return work;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ImageVerdict>((resolve) => {
      timer = setTimeout(
        () => resolve({ kind: 'error', image, reason: `no verdict within ${deadlineMs} ms (a slow registry, or cold verifications queued); the verification goes on and a retry may find its verdict` }),
        deadlineMs,
      );
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async verdict(image: string, state: PolicyState): Promise<ImageVerdict> {
    let ref: ImageReference;
    try {
      ref = parseReference(image);
    } catch (err) {
      return { kind: 'error', image, reason: oneLine(err) };
    }
    const display = formatReference(ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' });
    if (!imageMatchesGlobs(image, state.policy.images) && !imageMatchesGlobs(display, state.policy.images)) return { kind: 'uncovered', image };

    const tag = ref.digest ? undefined : (ref.tag ?? 'latest');
    let digest: string;
    if (ref.digest) {
      digest = ref.digest;
    } else {
      try {
        digest = await this.timed('resolve', () => this.deps.resolveTag({ registry: ref.registry, repository: ref.repository, tag }));
      } catch (err) {
        if (err instanceof NotFoundError) return { kind: 'error', image, reason: `${display} is not in the registry` };
        return { kind: 'error', image, reason: `cannot resolve the tag: ${oneLine(err)}` };
      }
    }
    const digestRef = `${ref.registry}/${ref.repository}@${digest}`;
    try {
      const cached = await this.cachedOrVerified(`${state.generation}|${digestRef}`, digestRef, state);
      return { kind: 'verified', image, digest: cached.digest, resolvedFromTag: tag, passed: cached.passed, rules: cached.rules };
    } catch (err) {
      return { kind: 'error', image, reason: oneLine(err) };
    }
  }

  private async cachedOrVerified(key: string, digestRef: string, state: PolicyState): Promise<Cached> {
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.now()) {
      this.deps.events?.cache?.(true);
      return hit;
    }
    if (hit) this.cache.delete(key);
    this.deps.events?.cache?.(false);
    const running = this.inflight.get(key);
    if (running) return running;
    const work = (async () => {
      // Coverage was judged on the reference as the request named it; the digest form may not match a tag glob.
      const report = await this.timed('verify', () => this.deps.verify(digestRef, { ...state.policy, images: ['*'] }));
      const v = verdictOfReport(digestRef, report);
      if (v.kind !== 'verified') throw new Error('unexpected verdict');
      const entry: Cached = { digest: v.digest, passed: v.passed, rules: v.rules, expiresAt: this.now() + this.deps.ttlMs };
      // A verdict under a policy replaced meanwhile is still this request's answer, but not the cache's.
      if (this.deps.state().generation === state.generation) {
        if (this.cache.size >= (this.deps.maxEntries ?? DEFAULT_MAX_ENTRIES)) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(key, entry);
      }
      return entry;
    })();
    this.inflight.set(key, work);
    try {
      return await work;
    } finally {
      this.inflight.delete(key);
    }
  }

  private async timed<T>(op: 'resolve' | 'verify', task: () => Promise<T>): Promise<T> {
    const limiter = op === 'resolve' ? this.deps.resolveLimiter : this.deps.verifyLimiter;
    // A flood of new digests must not grow the queue without end: past the bound, refuse (fail closed).
    if (op === 'verify' && limiter.queued >= (this.deps.maxQueued ?? DEFAULT_MAX_QUEUED)) throw new Error(`serve is busy: ${limiter.queued} verifications are waiting; try again`);
    return limiter.run(async () => {
      const start = process.hrtime.bigint();
      let ok = false;
      try {
        const result = await task();
        ok = true;
        return result;
      } finally {
        this.deps.events?.registry?.(op, Number(process.hrtime.bigint() - start) / 1e9, ok);
      }
    });
  }
}
