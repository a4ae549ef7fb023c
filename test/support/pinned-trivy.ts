// The action takes only the pinned trivy release, re-hashed from the tool cache. The real release
// cannot be downloaded here, so tests pin a double: a release archive made of the test trivy binary,
// seeded into a tool cache the way a download leaves it, and a pin for it that
// pinned-trivy-double.ts installs in the action's process (`node --require`) — never in production.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { trivyBinary } from './trivy';

export const DOUBLE_PIN_ENV = 'SHIP_IMAGE_TEST_TRIVY_PIN_DOUBLE';

export interface PinDouble {
  version: string;
  assetName: string;
  sha256: string;
}

async function tarGz(name: string, content: Buffer): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
  });
  pack.entry({ name, mode: 0o755 }, content);
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

/** Seeds `<toolCache>/trivy/<version>/x64` with the test trivy and its archive; returns the pin for it. */
export async function seedPinnedTrivy(toolCache: string, version = '9.9.9'): Promise<PinDouble> {
  const binary = readFileSync(trivyBinary());
  const archive = await tarGz('trivy', binary);
  const assetName = `trivy_${version}_double.tar.gz`;
  const dir = path.join(toolCache, 'trivy', version, process.arch);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trivy'), binary, { mode: 0o755 });
  writeFileSync(path.join(dir, assetName), archive);
  writeFileSync(`${dir}.complete`, '');
  return { version, assetName, sha256: createHash('sha256').update(archive).digest('hex') };
}
