import { withKeyedLock } from './keyed-lock';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('withKeyedLock', () => {
  test('sections under one key run one after another, in call order', async () => {
    const events: string[] = [];
    const section = (name: string) => async () => {
      events.push(`${name} in`);
      await tick();
      events.push(`${name} out`);
      return name;
    };
    const results = await Promise.all([withKeyedLock('k', section('a')), withKeyedLock('k', section('b')), withKeyedLock('k', section('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  test('different keys do not wait for each other', async () => {
    const events: string[] = [];
    const section = (name: string) => async () => {
      events.push(`${name} in`);
      await tick();
      events.push(`${name} out`);
    };
    await Promise.all([withKeyedLock('x', section('x')), withKeyedLock('y', section('y'))]);
    expect(events.slice(0, 2).sort()).toEqual(['x in', 'y in']);
  });

  test('a failing section passes its error on and does not block the next one', async () => {
    const failing = withKeyedLock('k', async () => {
      throw new Error('boom');
    });
    const next = withKeyedLock('k', async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
