import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { fsReason } from '../core/fs-errors';
import { checkServiceURL, keylessSigner, keySigner, resolveEndpoints, type StatementSigner } from '../sign';
import type { ShipInputs } from './inputs';
import type { ShipEnvironment } from './plan';

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
      // A FIFO or device (/dev/zero) would block or never end: only a regular file is read.
      if (!(await stat(file)).isFile()) throw new UserError(`signing key '${file}' is not a regular file; pass a PEM key file with --key`);
      keyPem = await readFile(file, 'utf8');
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`signing key '${file}' cannot be read (${fsReason(err) ?? 'unreadable'}); pass a readable PEM key file with --key`);
    }
    // Key signing is for air-gapped use: witnesses only when URLs are given explicitly.
    const rekorURL = inputs.sigstore.rekorURL ? checkServiceURL(inputs.sigstore.rekorURL, 'Rekor URL') : undefined;
    const tsaURL = inputs.sigstore.tsaURL ? checkServiceURL(inputs.sigstore.tsaURL, 'timestamp authority URL') : undefined;
    const signer = keySigner({
      keyPem,
      password: inputs.keyPassword ?? world.env.COSIGN_PASSWORD,
      rekorURL,
      tsaURL,
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
