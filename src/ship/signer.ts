import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { keylessSigner, keySigner, resolveEndpoints, type SerializedBundle, type SigstoreEndpoints, type StatementSigner } from '../sign';
import { keylessIdentityOf, type BundleSigner } from '../sign/bundle-signer';
import type { GitHubTokenClaims } from '../workflow-ref/claims';
import type { ShipInputs, Visibility } from './inputs';
import type { ShipEnvironment } from './plan';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';

export interface ChosenSigner {
  signer: StatementSigner;
  mode: 'keyless' | 'key';
  /** Which Sigstore instance signed (keyless only): what a verifier needs to be told. */
  instance?: SigstoreEndpoints['instance'];
  /** For the verify hints: the public key, written next to the outputs. */
  publicKeyFile?: string;
  /** Key signing: the public key (PEM), which tells this signer's bundles from others'. */
  publicKeyPem?: string;
}

/**
 * Who this run's bundles are from, as ship compares them with what is already attached: the key,
 * or the SAN and issuer of the certificate the first bundle was signed with.
 */
export function bundleOwner(chosen: ChosenSigner, signed: ReadonlyArray<{ bundle: SerializedBundle }>): BundleSigner | undefined {
  if (chosen.mode === 'key') return chosen.publicKeyPem ? { kind: 'key', publicKeyPem: chosen.publicKeyPem } : undefined;
  return signed[0] ? keylessIdentityOf(signed[0].bundle) : undefined;
}

/** The signer the inputs ask for, or undefined for `sign: none`. */
export async function chooseSigner(
  inputs: ShipInputs,
  world: ShipEnvironment,
  outputDir: string,
  claims?: GitHubTokenClaims,
): Promise<ChosenSigner | undefined> {
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
    return { signer, mode: 'key', publicKeyFile, publicKeyPem: signer.publicKeyPem };
  }
  const identityToken = world.identityToken;
  if (!identityToken) {
    throw new UserError(
      'keyless signing needs an OIDC token: run in GitHub Actions with `permissions: id-token: write`, set SIGSTORE_ID_TOKEN, or use --sign key --key FILE',
    );
  }
  const endpoints = resolveEndpoints({
    visibility: signingVisibility(inputs.sigstore.visibility, claims, world),
    fulcioURL: inputs.sigstore.fulcioURL,
    rekorURL: inputs.sigstore.rekorURL,
    tsaURL: inputs.sigstore.tsaURL,
  });
  world.logger.info(`sign: keyless on ${endpoints.instance === 'custom' ? endpoints.fulcioURL : `the ${endpoints.instance} Sigstore instance`}${endpoints.rekorURL ? '' : ' (no transparency log)'}`);
  const signer = keylessSigner({ fulcioURL: endpoints.fulcioURL, rekorURL: endpoints.rekorURL, tsaURL: endpoints.tsaURL, identityToken });
  return { signer, mode: 'keyless', instance: endpoints.instance };
}

/**
 * The visibility that picks the Sigstore instance: the user's explicit choice, else what the job
 * token says. A GitHub token without the claim means GitHub's instance (no public log); without a
 * GitHub token it stays unknown, and resolveEndpoints asks for a choice.
 */
export function signingVisibility(explicit: Visibility | undefined, claims: GitHubTokenClaims | undefined, world: Pick<ShipEnvironment, 'logger'>): Visibility | undefined {
  const claimed = claims?.repository_visibility?.toLowerCase();
  const confirmed = claimed === 'public' || claimed === 'private' || claimed === 'internal' ? claimed : undefined;
  if (explicit) {
    if (explicit === 'public' && confirmed && confirmed !== 'public') {
      world.logger.warn(`sign: the repository is ${confirmed} but the public-good instance was chosen: its name and workflow go into the public Rekor log`);
    }
    return explicit;
  }
  if (confirmed) return confirmed;
  if (claims) {
    world.logger.info("sign: the job token does not say the repository's visibility; signing on GitHub's instance (no public log)");
    return 'private';
  }
  return undefined;
}
