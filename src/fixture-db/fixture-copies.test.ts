import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The fixture advisories and image rootfs live in test/fixtures (the source of truth, readable and
// usable by `docker build`); the CLI bundle carries generated copies in src/fixture-db/. This test
// fails when they drift. Regenerate with: UPDATE_FIXTURES=1 npx jest src/fixture-db/fixture-copies.test.ts

const repo = join(__dirname, '..', '..');
const update = process.env.UPDATE_FIXTURES === '1';

function header(source: string): string {
  return (
    `// GENERATED from ${source} (the source of truth) so the CLI bundle needs no file from test/.\n` +
    `// Do not edit: change the source, then run UPDATE_FIXTURES=1 npx jest src/fixture-db/fixture-copies.test.ts\n`
  );
}

function renderAdvisories(): string {
  const yaml = readFileSync(join(repo, 'test/fixtures/advisories.yaml'), 'utf8');
  return header('test/fixtures/advisories.yaml') + `export const BUNDLED_ADVISORIES_YAML: string = ${JSON.stringify(yaml)};\n`;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

function renderRootfs(): string {
  const root = join(repo, 'test/fixtures/image/rootfs');
  const entries = listFiles(root).map((file) => `  ${JSON.stringify(relative(root, file))}: ${JSON.stringify(readFileSync(file, 'utf8'))},`);
  return (
    header('test/fixtures/image/rootfs/') +
    `/** The fixture image's files: path inside the image (no leading slash) -> content. */\n` +
    `export const FIXTURE_ROOTFS: Readonly<Record<string, string>> = {\n${entries.join('\n')}\n};\n`
  );
}

describe.each([
  ['src/fixture-db/advisories.ts', renderAdvisories],
  ['src/fixture-db/fixture-rootfs.ts', renderRootfs],
])('%s', (target, render) => {
  it('is an up-to-date copy of its source in test/fixtures', () => {
    const expected = render();
    if (update) writeFileSync(join(repo, target), expected);
    expect(readFileSync(join(repo, target), 'utf8')).toBe(expected);
  });
});
