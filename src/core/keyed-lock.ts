/**
 * One-at-a-time sections per key inside this process. Writers that share a process (the four
 * referrers of one ship, say) take turns on a tag instead of racing for it; writers in other
 * processes are still handled by the read-back in `updateListedTag`.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withKeyedLock<T>(key: string, section: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(section, section);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
