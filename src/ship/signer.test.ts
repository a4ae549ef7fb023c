import { silentLogger, type Logger } from '../core/log';
import { resolveEndpoints } from '../sign';
import { GITHUB_ACTIONS_ISSUER } from '../workflow-ref/claims';
import { UserError } from '../core/errors';
import type { ShipInputs } from './inputs';
import { chooseSigner, signingVisibility } from './signer';

const world = { logger: silentLogger };
const github = (visibility?: string) => ({ iss: GITHUB_ACTIONS_ISSUER, repository: 'acme/api', ...(visibility ? { repository_visibility: visibility } : {}) });

describe('which Sigstore instance signs: fails closed', () => {
  test('the token decides when nothing is chosen: public only when it says public', () => {
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('public'), world) }).instance).toBe('public-good');
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('private'), world) }).instance).toBe('github');
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('internal'), world) }).instance).toBe('github');
  });

  test('a GitHub token without the claim (or with an odd value) signs on GitHub’s instance, never the public log', () => {
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github(), world) }).instance).toBe('github');
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('secret'), world) }).instance).toBe('github');
  });

  test('no GitHub token and no choice: a user error saying how to choose', () => {
    expect(signingVisibility(undefined, undefined, world)).toBeUndefined();
    expect(() => resolveEndpoints({ visibility: signingVisibility(undefined, undefined, world) })).toThrow(/--visibility public\|private/);
  });

  test('an explicit choice wins; public for a private repository is said out loud', () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
    expect(signingVisibility('private', github('public'), { logger })).toBe('private');
    expect(warnings).toEqual([]);
    expect(signingVisibility('public', github('private'), { logger })).toBe('public');
    expect(warnings[0]).toMatch(/repository is private.*public Rekor log/);
  });
});

const keyWorld = { env: {}, cwd: '/', logger: silentLogger };
const keyInputs = (keyFile: string) => ({ sign: 'key', keyFile, sigstore: {} }) as unknown as ShipInputs;

describe('chooseSigner reads the key file under a cap', () => {
  test('/dev/zero as the signing key: a one-line UserError naming the file and the cap', async () => {
    const err = await chooseSigner(keyInputs('/dev/zero'), keyWorld, '/nonexistent').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("/dev/zero: the signing key is too large (more than 64 KiB ship-image reads for it); pass a PEM key file (cosign.key) with --key");
  });

  test('a missing key keeps its own message', async () => {
    await expect(chooseSigner(keyInputs('/nonexistent/cosign.key'), keyWorld, '/nonexistent')).rejects.toThrow(/^signing key '\/nonexistent\/cosign\.key' cannot be read/);
  });
});
