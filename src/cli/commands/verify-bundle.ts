import { existsSync } from 'node:fs';
import { readPublicKeyPem } from '../../policy/public-key';
import { UserError } from '../../core/errors';
import { verifyArtifactBundle, type ArtifactInput, type ArtifactSigner } from '../../verify/artifact-bundle';
import { loadTrustedRoot } from '../../verify/trusted-root';
import { flagCommand, type Command } from '../command';
import { READ_CAPS, readFileCapped } from '../../core/read-capped';

const USAGE =
  'ship-image verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM) [--trusted-root FILE] FILE_OR_DIGEST';

const HELP = `usage: ${USAGE}

Verifies one Sigstore bundle for an artifact, following the sigstore-conformance CLI protocol.
FILE_OR_DIGEST is the artifact file, or sha256:<64 hex> when that is not a path on disk. For a DSSE
bundle the in-toto statement must name the artifact as a subject.

exit codes: 0 verified, 1 not verified, 2 bad flags or unreadable files

options:
  --bundle FILE                    the bundle (.sigstore.json)
  --certificate-identity ID        exact subject alternative name of the signing certificate
  --certificate-oidc-issuer URL    exact OIDC issuer of the signing certificate
  --key PEM                        public key file, for bundles signed with a key
  --trusted-root FILE              trusted_root.json (default: the public-good root shipped with ship-image, offline)
`;

const FLAGS = {
  bundle: { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  key: { type: 'string' },
  'trusted-root': { type: 'string' },
  staging: { type: 'boolean' },
} as const;

const DIGEST_RE = /^sha256:[0-9a-fA-F]{64}$/;

function readFile(path: string, what: 'artifact' | 'key' | 'bundle'): Buffer {
  return readFileCapped(path, READ_CAPS[what], { what: `the ${what}` });
}

/** A digest unless it is a path on disk (the conformance protocol's rule). */
function artifactInput(arg: string): ArtifactInput {
  if (DIGEST_RE.test(arg) && !existsSync(arg)) return { sha256: Buffer.from(arg.slice('sha256:'.length), 'hex') };
  return { bytes: readFile(arg, 'artifact') };
}

export interface VerifyBundleCommandDeps {
  writeStdout(text: string): void;
}

export function makeVerifyBundleCommand(deps: VerifyBundleCommandDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    if (values.staging) throw new UserError('--staging is not supported: pass the staging trusted_root.json with --trusted-root');
    if (positionals.length !== 1) throw new UserError(`verify-bundle takes exactly one FILE_OR_DIGEST, got ${positionals.length}; usage: ${USAGE}`);
    if (!values.bundle) throw new UserError(`--bundle FILE is required; usage: ${USAGE}`);
    const identity = values['certificate-identity'];
    const issuer = values['certificate-oidc-issuer'];
    let signer: ArtifactSigner;
    if (values.key) {
      if (identity || issuer) throw new UserError('give either --key or --certificate-identity with --certificate-oidc-issuer, not both');
      const key = readPublicKeyPem(readFile(values.key, 'key').toString('utf8'), values.key);
      if ('problem' in key) throw new UserError(`--key: ${key.problem}`);
      signer = { publicKeyPem: key.pem };
    } else {
      if (!identity || !issuer) throw new UserError(`keyless verification needs both --certificate-identity and --certificate-oidc-issuer (or --key); usage: ${USAGE}`);
      signer = { identity, issuer };
    }
    const trustedRoot = loadTrustedRoot(values['trusted-root'] ? { kind: 'file', path: values['trusted-root'] } : { kind: 'public-good' });
    const text = readFile(values.bundle, 'bundle').toString('utf8');
    // Nothing at all is a wrong argument (an empty file, a pipe nobody wrote to), not a bad bundle.
    if (text.trim() === '') throw new UserError(`--bundle '${values.bundle}' is empty; pass the Sigstore bundle file (JSON)`);
    let bundleJson: unknown;
    try {
      bundleJson = JSON.parse(text);
    } catch {
      // Malformed bundle content is a verification failure (1), not a usage error.
      deps.writeStdout(`not verified: ${values.bundle} is not JSON\n`);
      return 1;
    }
    const result = verifyArtifactBundle(bundleJson, artifactInput(positionals[0]), signer, trustedRoot);
    deps.writeStdout(`verified: ${result.kind} bundle signed by ${result.signer}\n`);
    return 0;
  });
}

export const verifyBundleCommand: Command = makeVerifyBundleCommand({ writeStdout: (text) => process.stdout.write(text) });

/** What src/cli/main.ts loads. */
export const command = verifyBundleCommand;
