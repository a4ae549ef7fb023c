import { mapLimited } from './map-limited';

describe('mapLimited', () => {
  test('keeps the items order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimited([30, 5, 20, 1, 10], 2, async (ms) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 2;
    });
    expect(out).toEqual([60, 10, 40, 2, 20]);
    expect(peak).toBe(2);
  });

  test('no items, no work', async () => {
    expect(await mapLimited([], 4, () => Promise.reject(new Error('called')))).toEqual([]);
  });
});
