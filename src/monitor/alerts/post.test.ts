import { RateBudget, retryAfterMs, type Clock } from './post';

test('Retry-After in seconds or as an HTTP date', () => {
  expect(retryAfterMs('7', 0)).toBe(7000);
  expect(retryAfterMs(new Date(60_000).toUTCString(), 0)).toBe(60_000);
  expect(retryAfterMs(null, 0)).toBeUndefined();
  expect(retryAfterMs('soon', 0)).toBeUndefined();
});

test('the budget allows N per window, waits for room, and refuses past its longest wait', async () => {
  let t = 0;
  const sleeps: number[] = [];
  const clock: Clock = { now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
  const budget = new RateBudget(2, 1000, clock, 1500);
  expect(await budget.take()).toBe(true);
  expect(await budget.take()).toBe(true);
  expect(await budget.take()).toBe(true);
  expect(sleeps).toEqual([1000]);
  expect(await budget.take()).toBe(true);
  expect(await budget.take()).toBe(false); // would wait until t = 2000, past 1500
});
