// Prebuilds the real Debian images (test/support/real-images.ts) into their cache, so tests and
// benchmarks find them ready: `node --require ./bench/register.js bench/real-images.ts [NAME...]`.
// Not a benchmark: bench/run.ts skips it.
import { installedPackages, REAL_IMAGE_NAMES, realImageLayout, realRootfs, type RealImageName } from '../test/support/real-images';

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((n) => !(REAL_IMAGE_NAMES as string[]).includes(n));
  if (unknown.length) throw new Error(`unknown image ${unknown.join(', ')}; known: ${REAL_IMAGE_NAMES.join(', ')}`);
  const names = (asked.length ? asked : REAL_IMAGE_NAMES) as RealImageName[];
  // one at a time: each build is apt + dpkg, and the machine is shared
  for (const name of names) {
    const started = Date.now();
    const rootfs = await realRootfs(name);
    const { ref } = await realImageLayout(name);
    const count = (await installedPackages(rootfs)).length;
    process.stdout.write(`${name}: ${count} packages, ${ref} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`real-images: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
