import { inertText } from '../../core/untrusted-text';

// POSTing JSON to an alert service: 429 and 5xx (and a lost connection) are tried again with
// exponential backoff, honouring Retry-After; any other answer is final (a 400 would only be
// refused again). Every attempt counts against the sink's budget of requests per window.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** First backoff; doubled each time, with jitter (default 1 s). */
  baseMs: number;
  /** Longest wait taken from a Retry-After answer (default 60 s). */
  maxRetryAfterMs: number;
  /** One request's time limit (default 30 s). */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 1000, maxRetryAfterMs: 60_000, timeoutMs: 30_000 };

/**
 * At most `limit` requests in any `windowMs` (PagerDuty allows ~120 events a minute per routing
 * key). `take()` waits for room; it answers false instead when that wait would pass `maxWaitMs`
 * from the budget's creation, so a large backlog is left for the next sweep rather than holding this one.
 */
export class RateBudget {
  private readonly sent: number[] = [];
  private readonly started: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock = realClock,
    private readonly maxWaitMs = 5 * 60_000,
  ) {
    this.started = clock.now();
  }

  async take(): Promise<boolean> {
    let now = this.clock.now();
    while (this.sent.length > 0 && this.sent[0]! <= now - this.windowMs) this.sent.shift();
    if (this.sent.length >= this.limit) {
      const until = this.sent[this.sent.length - this.limit]! + this.windowMs;
      if (until - this.started > this.maxWaitMs) return false;
      await this.clock.sleep(until - now);
      now = this.clock.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.windowMs) this.sent.shift();
    }
    this.sent.push(now);
    return true;
  }
}

export interface PostOptions {
  /** Names the request in messages (never the URL: a webhook URL is a secret). */
  what: string;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  budget?: RateBudget;
  fetch?: typeof fetch;
}

export type PostResult =
  | { ok: true; status: number; text: string }
  | { ok: false; status?: number; text?: string; error: string; retried: number; /** The budget ran out before it was sent. */ deferred?: true };

const RETRIED = (status: number) => status === 429 || status >= 500;

/** The wait a Retry-After header asks for (seconds or an HTTP date), in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function postJson(url: string, body: unknown, opts: PostOptions): Promise<PostResult> {
  const clock = opts.clock ?? realClock;
  const policy = { ...DEFAULT_RETRY, ...(opts.retry ?? {}) };
  const doFetch = opts.fetch ?? fetch;
  const payload = JSON.stringify(body);
  let last: PostResult = { ok: false, error: `${opts.what}: not sent`, retried: 0 };
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    if (opts.budget && !(await opts.budget.take())) {
      return { ok: false, error: `${opts.what}: not sent, the request budget for this sweep is used up`, retried: attempt, deferred: true };
    }
    let wait: number | undefined;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'ship-image' },
        body: payload,
        redirect: 'error',
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const text = (await res.text()).slice(0, 64 * 1024);
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, text };
      last = { ok: false, status: res.status, text, error: `${opts.what}: answered ${res.status} (${inertText(text, { max: 200 }) || 'no body'})`, retried: attempt };
      if (!RETRIED(res.status)) return last;
      wait = retryAfterMs(res.headers.get('retry-after'), clock.now());
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      const why = (err as Error).name === 'TimeoutError' ? `no answer within ${policy.timeoutMs / 1000} s` : (cause?.code ?? 'connection failed');
      last = { ok: false, error: `${opts.what}: could not deliver (${why})`, retried: attempt };
    }
    if (attempt + 1 >= policy.attempts) break;
    const backoff = policy.baseMs * 2 ** attempt * (0.5 + Math.random() / 2);
    await clock.sleep(Math.min(wait ?? backoff, policy.maxRetryAfterMs));
  }
  return { ...last, error: `${last.error}; gave up after ${policy.attempts} attempts` } as PostResult;
}
