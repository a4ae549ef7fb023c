import type { Policy } from '../policy/types';
import { Limiter } from './limiter';
import { Verifier, type VerifierDeps } from './verifier';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const policy = { images: ['reg.test/*'], mode: 'enforce' } as unknown as Policy;
const rules = [{ rule: 'signature' as const, passed: true, reason: 'ok', evidence: {} }];

function setup(over: Partial<VerifierDeps> = {}) {
  let clock = 0;
  const calls: string[] = [];
  const tags: Record<string, string> = { 'reg.test/a:v1': D1 };
  const verifier = new Verifier({
    state: () => ({ policy, generation: 1 }),
    resolveTag: async (ref) => {
      const d = tags[`${ref.registry}/${ref.repository}:${ref.tag}`];
      if (!d) throw new Error('connect ECONNREFUSED');
      return d;
    },
    verify: async (digestRef) => {
      calls.push(digestRef);
      await new Promise((r) => setTimeout(r, 5));
      return { digest: digestRef.split('@')[1]!, rules };
    },
    resolveLimiter: new Limiter(2),
    verifyLimiter: new Limiter(2),
    ttlMs: 1000,
    now: () => clock,
    ...over,
  });
  return { verifier, calls, tags, tick: (ms: number) => (clock += ms) };
}

describe('Verifier', () => {
  test('a tag is resolved each time; the digest verdict is cached until the TTL, and shared while running', async () => {
    const { verifier, calls, tags, tick } = setup();
    const [a, b] = await Promise.all([verifier.verdicts(['reg.test/a:v1']), verifier.verdicts(['reg.test/a@' + D1])]);
    expect(a.get('reg.test/a:v1')).toMatchObject({ kind: 'verified', digest: D1, resolvedFromTag: 'v1', passed: true });
    expect(b.get('reg.test/a@' + D1)).toMatchObject({ kind: 'verified', digest: D1 });
    expect(calls).toEqual([`reg.test/a@${D1}`]);
    tags['reg.test/a:v1'] = D2;
    expect((await verifier.verdicts(['reg.test/a:v1'])).get('reg.test/a:v1')).toMatchObject({ digest: D2 });
    expect(calls).toHaveLength(2);
    tick(1001);
    await verifier.verdicts(['reg.test/a@' + D1]);
    expect(calls).toHaveLength(3);
  });

  test('outside spec.images: uncovered, nothing fetched; bad reference or registry down: an error verdict', async () => {
    const { verifier, calls } = setup();
    const v = await verifier.verdicts(['other.test/x:1', 'reg.test/Bad Name', 'reg.test/gone:v1']);
    expect(v.get('other.test/x:1')).toEqual({ kind: 'uncovered', image: 'other.test/x:1' });
    expect(v.get('reg.test/Bad Name')).toMatchObject({ kind: 'error' });
    expect(v.get('reg.test/gone:v1')).toEqual({ kind: 'error', image: 'reg.test/gone:v1', reason: 'cannot resolve the tag: connect ECONNREFUSED' });
    expect(calls).toEqual([]);
  });

  test('an answer not ready by the deadline is an error; the verification finishes and fills the cache', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { verifier } = setup({ verify: async (ref) => (await gate, { digest: ref.split('@')[1]!, rules }) });
    const late = await verifier.verdicts(['reg.test/a@' + D1], 20);
    expect(late.get('reg.test/a@' + D1)).toMatchObject({ kind: 'error', reason: expect.stringMatching(/^no verdict within 20 ms/) });
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect((await verifier.verdicts(['reg.test/a@' + D1], 20)).get('reg.test/a@' + D1)).toMatchObject({ kind: 'verified' });
  });

  test('past the queue bound a new digest is refused at once (fail closed)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { verifier } = setup({ verifyLimiter: new Limiter(1), maxQueued: 1, verify: async (ref) => (await gate, { digest: ref.split('@')[1]!, rules }) });
    const digests = ['3', '4', '5'].map((c) => `reg.test/a@sha256:${c.repeat(64)}`);
    const pending = verifier.verdicts(digests.slice(0, 2));
    await new Promise((r) => setTimeout(r, 5));
    const refused = await verifier.verdicts([digests[2]!]);
    expect(refused.get(digests[2]!)).toEqual({ kind: 'error', image: digests[2], reason: 'serve is busy: 1 verifications are waiting; try again' });
    release();
    for (const v of (await pending).values()) expect(v.kind).toBe('verified');
  });
});
