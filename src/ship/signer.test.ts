import { UserError } from '../core/errors';
import { silentLogger } from '../core/log';
import type { ShipInputs } from './inputs';
import { chooseSigner } from './signer';

const world = { env: {}, cwd: '/', logger: silentLogger };
const keyInputs = (keyFile: string) => ({ sign: 'key', keyFile, sigstore: {} }) as unknown as ShipInputs;

describe('chooseSigner reads the key file under a cap', () => {
  test('/dev/zero as the signing key: a one-line UserError naming the file and the cap', async () => {
    const err = await chooseSigner(keyInputs('/dev/zero'), world, '/nonexistent').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("/dev/zero: the signing key is too large (more than 64 KiB ship-image reads for it); pass a PEM key file (cosign.key) with --key");
  });

  test('a missing key keeps its own message', async () => {
    await expect(chooseSigner(keyInputs('/nonexistent/cosign.key'), world, '/nonexistent')).rejects.toThrow(/^signing key '\/nonexistent\/cosign\.key' cannot be read/);
  });
});
