import { silentLogger, type Logger } from '../core/log';
import { resolveEndpoints } from '../sign';
import { GITHUB_ACTIONS_ISSUER } from '../workflow-ref/claims';
import { signingVisibility } from './signer';

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
