import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { keylessSigner, keySigner, resolveEndpoints, type StatementSigner } from '../sign';
import type { ShipInputs } from './inputs';
import type { ShipEnvironment } from './plan';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';

export interface ChosenSigner {
  signer: StatementSigner;
  mode: 'keyless' | 'key';
  /** For the verify hints: the public key, written next to the outputs. */
  publicKeyFile?: string;
}

/** The signer the inputs ask for, or undefined for `sign: none`. */
export async function chooseSigner(inputs: ShipInputs, world: ShipEnvironment, outputDir: string): Promise<ChosenSigner | undefined> {
  if (inputs.sign === 'none') return undefined;
  if (inputs.sign === 'key') {
    const file = inputs.keyFile as string;
    let keyPem: string;
    try {
      keyPem = await readTextCappedAsync(file, READ_CAPS.key, { what: 'the signing key', hint: 'pass a PEM key file (cosign.key) with --key' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ETOOLARGE') throw err;
      throw new UserError(`signing key '${file}' cannot be read; pass a readable PEM key file with --key`);
    }
    // Key signing is for air-gapped use: witnesses only when URLs are given explicitly.
    const signer = keySigner({
      keyPem,
      password: inputs.keyPassword ?? world.env.COSIGN_PASSWORD,
      rekorURL: inputs.sigstore.rekorURL,
      tsaURL: inputs.sigstore.tsaURL,
    });
    const publicKeyFile = path.join(outputDir, 'cosign.pub');
    await mkdir(outputDir, { recursive: true });
    await writeFile(publicKeyFile, signer.publicKeyPem);
    return { signer, mode: 'key', publicKeyFile };
  }
  const endpoints = resolveEndpoints({
    visibility: inputs.sigstore.visibility,
    fulcioURL: inputs.sigstore.fulcioURL,
    rekorURL: inputs.sigstore.rekorURL,
    tsaURL: inputs.sigstore.tsaURL,
  });
  const identityToken = world.identityToken;
  if (!identityToken) {
    throw new UserError(
      'keyless signing needs an OIDC token: run in GitHub Actions with `permissions: id-token: write`, set SIGSTORE_ID_TOKEN, or use --sign key --key FILE',
    );
  }
  const signer = keylessSigner({ fulcioURL: endpoints.fulcioURL, rekorURL: endpoints.rekorURL, tsaURL: endpoints.tsaURL, identityToken });
  return { signer, mode: 'keyless' };
}
