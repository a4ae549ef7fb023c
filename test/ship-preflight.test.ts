/**
 * The ship preflight: every input that can be checked without the registry fails the ship before
 * anything is pushed. Each case ships to a REAL registry (CNCF distribution) and then asks it:
 * the repository has no tag at all (not the SHA tag, not an extra one, no fallback tag).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../src/cli/main';
import { UserError } from '../src/core/errors';
import { RegistryClient } from '../src/oci/registry';
import type { ShipInputs } from '../src/ship/inputs';
import { ship } from '../src/ship/run';
import { encryptCosignKey } from '../src/sign';
import { badKeys, brokenArchives, brokenLayouts, fifo, LOW_SCRYPT, write } from './support/bad-files';
import { startRegistry, type TestRegistry } from './support/registry';
import { fixtureInputs, makeShipFixture, world, type ShipFixture } from './support/ship-env';
import { prepareFixtureDb } from './support/trivy';

describe('ship preflight: nothing is pushed when an input is knowably wrong', () => {
  let fx: ShipFixture;
  let registry: TestRegistry;
  let client: RegistryClient;
  let dir: string;
  let n = 0;
  let files: {
    layouts: Record<string, string>;
    archives: Record<string, string>;
    keys: Record<string, string>;
    goodKey: string;
    encryptedKey: string;
    oldDb: string;
  };

  beforeAll(async () => {
    fx = await makeShipFixture();
    registry = await startRegistry('open');
    client = new RegistryClient();
    dir = mkdtempSync(path.join(tmpdir(), 'ship-preflight-'));
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const oldDb = path.join(dir, 'old-db');
    await prepareFixtureDb(oldDb, new Date('2020-01-01T00:00:00Z'));
    files = {
      layouts: brokenLayouts(fx.sourceLayout, dir),
      archives: await brokenArchives(dir),
      keys: badKeys(dir),
      goodKey: write(dir, 'good.key', pair.privateKey.export({ format: 'pem', type: 'pkcs8' })),
      encryptedKey: write(dir, 'enc.key', encryptCosignKey(pair.privateKey.export({ format: 'der', type: 'pkcs8' }), 'right', { params: LOW_SCRYPT })),
      oldDb,
    };
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
    fx?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Ship to a fresh repository with `overrides`; expect a UserError matching `message` and no tag there. */
  async function refused(overrides: () => Partial<ShipInputs>, message: RegExp): Promise<void> {
    const repo = `preflight/case${n++}`;
    const inputs = fixtureInputs(fx, { image: `${registry.host}/${repo}`, tag: 'v1', extraTags: ['latest'], ...overrides() });
    let caught: unknown;
    try {
      await ship(inputs, world({}, { cwd: dir }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toMatch(/\n|E[A-Z]{3,}:|ENOTDIR|EISDIR|ENAMETOOLONG|EEXIST|ENOENT/);
    expect(await client.repository(registry.host, repo).listTags()).toEqual([]);
  }

  const cases: Array<[string, () => Partial<ShipInputs>, RegExp]> = [
    ['output dir is a file', () => ({ outputDir: write(dir, 'out-file', 'x') }), /output-dir .* cannot be written \(something that is not a directory is in the way/],
    ['output dir under a file', () => ({ outputDir: path.join(write(dir, 'out-file2', 'x'), 'sub') }), /output-dir .* cannot be written/],
    ['trivy cache is a file', () => ({ trivyCache: write(dir, 'cache-file', 'x') }), /trivy-cache .* cannot be written/],
    ['offline, no trivy DB', () => ({ trivyCache: path.join(dir, 'empty-cache') }), /offline scan needs .*trivy\.db/],
    ['trivy DB older than max-db-age', () => ({ trivyCache: files.oldDb, maxDbAge: '24h' }), /older than max-db-age/],
    ['max-db-age not a duration', () => ({ maxDbAge: 'soon' }), /max-db-age 'soon' is not a duration/],
    ['key file missing', () => ({ sign: 'key', keyFile: path.join(dir, 'none.key') }), /signing key .* cannot be read \(it does not exist\)/],
    ['key file is a directory', () => ({ sign: 'key', keyFile: dir }), /is not a regular file/],
    ['key file is a FIFO', () => ({ sign: 'key', keyFile: fifo(dir, `key-${n}.fifo`) }), /is not a regular file/],
    ['key file is /dev/zero', () => ({ sign: 'key', keyFile: '/dev/zero' }), /is not a regular file/],
    ['key file garbage', () => ({ sign: 'key', keyFile: files.keys['garbage text'] }), /not PEM/],
    ['key is a public key', () => ({ sign: 'key', keyFile: files.keys['public key where private expected'] }), /'PUBLIC KEY' PEM block/],
    ['key password wrong', () => ({ sign: 'key', keyFile: files.encryptedKey, keyPassword: 'wrong' }), /wrong password/],
    ['key password missing', () => ({ sign: 'key', keyFile: files.encryptedKey }), /COSIGN_PASSWORD/],
    ['absurd scrypt parameters', () => ({ sign: 'key', keyFile: files.keys['scrypt N = 2^40'], keyPassword: 'x' }), /scrypt parameters .* ask for more than ship-image allows/],
    ['key mode, Rekor URL file:', () => ({ sign: 'key', keyFile: files.goodKey, sigstore: { rekorURL: 'file:///etc/passwd' } }), /Rekor URL .* is not http/],
    ['key mode, TSA URL not a URL', () => ({ sign: 'key', keyFile: files.goodKey, sigstore: { tsaURL: 'timestamp please' } }), /timestamp authority URL .* is not a URL/],
    ['keyless, Fulcio URL ftp:', () => ({ sign: 'keyless', sigstore: { fulcioURL: 'ftp://fulcio.example', rekorURL: 'https://rekor.example' } }), /Fulcio URL .* is not http/],
    ['keyless, no identity token', () => ({ sign: 'keyless' }), /keyless signing needs an OIDC token/],
    ['--from registry port 0', () => ({ from: '127.0.0.1:0/acme/app:v1' }), /port '0' is out of range/],
    ['--from registry port 65536', () => ({ from: '127.0.0.1:65536/acme/app:v1' }), /out of range/],
    ['--from reference with uppercase', () => ({ from: `${registry.host}/Acme/App:v1` }), /must be lowercase/],
    ['--from docker-archive is a directory', () => ({ from: files.archives['directory'] }), /is a directory/],
    ['--from docker-archive is a FIFO', () => ({ from: files.archives['fifo'] }), /is a FIFO/],
    ['--from docker-archive second layer damaged', () => ({ from: files.archives['second layer damaged'] }), /the archive is damaged/],
    ...Object.entries({
      'missing dir': /does not exist/,
      'file instead of dir': /is not a directory/,
      'no oci-layout file': /no oci-layout file/,
      'index not json': /index\.json is not valid JSON/,
      'index is a dir': /a directory is where a file belongs/,
      'digest with ../': /not sha256:<64 hex>/,
      'tag names missing manifest blob': /not found|lacks/,
      'layer blob missing': /lacks sha256:.* the layout is incomplete/,
      'layer blob truncated': /is not a file of the \d+ bytes/,
      'blobs is a file': /a file is in the way/,
      'tag absent': /tag no-such-tag not found/,
    }).map(([name, message]): [string, () => Partial<ShipInputs>, RegExp] => [`--from oci-layout: ${name}`, () => ({ from: files.layouts[name] }), message]),
  ];

  test.each(cases)('%s', async (_name, overrides, message) => refused(overrides, message), 30_000);

  test('a target layout that is a file is refused before the source is read or copied', async () => {
    const target = write(dir, 'target-file', 'x');
    await expect(ship(fixtureInputs(fx, { image: `oci-layout:${target}`, tag: 'v1' }), world({}, { cwd: dir }))).rejects.toThrow(/is not a directory/);
  });

  test('the CLI: a bad fail-on exits 2 on one line and pushes nothing', async () => {
    const err: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
    try {
      const code = await main(['ship', '--image', `${registry.host}/preflight/cli`, '--from', `oci-layout:${fx.sourceLayout}:latest`, '--tag', 'v1', '--fail-on', 'severe', '--sign', 'none']);
      expect(code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('').trim().split('\n')).toHaveLength(1);
    expect(await client.repository(registry.host, 'preflight/cli').listTags()).toEqual([]);
  });
});
