import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import type { ShipInputs } from './inputs';
import { chooseSigner, signingVisibility } from './signer';
import { resolveEndpoints } from '../sign';
import { GITHUB_ACTIONS_ISSUER } from '../workflow-ref/claims';

const world = { env: {}, cwd: '/', logger: silentLogger };
const keyInputs = (keyFile: string) => ({ sign: 'key', keyFile, sigstore: {} }) as unknown as ShipInputs;

describe('chooseSigner reads the key file under a cap', () => {
  test('/dev/zero as the signing key: a one-line UserError, nothing read from the device', async () => {
    const err = await chooseSigner(keyInputs('/dev/zero'), world, '/nonexistent').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("signing key '/dev/zero' is not a regular file; pass a PEM key file with --key");
  });

  test('a missing key keeps its own message', async () => {
    await expect(chooseSigner(keyInputs('/nonexistent/cosign.key'), world, '/nonexistent')).rejects.toThrow(/^signing key '\/nonexistent\/cosign\.key' cannot be read/);
  });
});

const quiet = { logger: silentLogger };
const github = (visibility?: string) => ({ iss: GITHUB_ACTIONS_ISSUER, repository: 'acme/api', ...(visibility ? { repository_visibility: visibility } : {}) });

describe('which Sigstore instance signs: fails closed', () => {
  test('the token decides when nothing is chosen: public only when it says public', () => {
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('public'), quiet) }).instance).toBe('public-good');
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('private'), quiet) }).instance).toBe('github');
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('internal'), quiet) }).instance).toBe('github');
  });

  test('a GitHub token without the claim (or with an odd value) signs on GitHub’s instance, never the public log', () => {
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github(), quiet) }).instance).toBe('github');
    expect(resolveEndpoints({ visibility: signingVisibility(undefined, github('secret'), quiet) }).instance).toBe('github');
  });

  test('no GitHub token and no choice: a user error saying how to choose', () => {
    expect(signingVisibility(undefined, undefined, quiet)).toBeUndefined();
    expect(() => resolveEndpoints({ visibility: signingVisibility(undefined, undefined, quiet) })).toThrow(/--visibility public\|private/);
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
