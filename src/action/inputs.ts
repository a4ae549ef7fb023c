import * as core from '@actions/core';
import { UserError } from '../core/errors';
import { addSecret } from '../core/log';
import { choices, keyValues, list, platforms, validateInputs, type ShipInputs } from '../ship/inputs';
import { READ_CAPS, readTextCapped } from '../core/read-capped';

/** An action input (trimmed by @actions/core); undefined when empty. */
export function input(name: string): string | undefined {
  const v = core.getInput(name);
  return v === '' ? undefined : v;
}

/** A secret as soon as it is read: masked in the job log and redacted from our own messages. */
export function secret(value: string | undefined): string | undefined {
  if (value) {
    addSecret(value);
    core.setSecret(value);
  }
  return value;
}

function bool(name: string): boolean {
  const v = (input(name) ?? 'false').toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UserError(`input ${name} '${v}' is not true or false; write true or false`);
}

/** Action inputs (and the GitHub environment) → validated ShipInputs. */
export function readShipInputs(env: NodeJS.ProcessEnv): ShipInputs {
  const image = input('image') ?? '';
  const username = input('registry-username');
  const password = secret(input('registry-password'));
  const token = secret(input('github-token'));
  const keyPassword = secret(env.COSIGN_PASSWORD);
  const sigstoreInput = (input('sigstore') ?? 'auto').toLowerCase();
  const caFile = env.SHIP_IMAGE_CA_FILE;
  return validateInputs({
    image,
    from: input('from'),
    context: input('context') ?? '.',
    file: input('file'),
    ...choices({
      builder: input('builder'),
      sbomFormat: input('sbom-format'),
      scanner: input('scanner'),
      failOn: input('fail-on'),
      sign: input('sign'),
      signatureFormat: input('signature-format'),
    }),
    platforms: platforms(list(input('platforms'))),
    buildArgs: keyValues('build-args', list(input('build-args')?.replace(/,/g, '\n'))),
    extraTags: list(input('tags')),
    ignoreUnfixed: bool('ignore-unfixed'),
    keyFile: input('key'),
    keyPassword,
    trivyCache: input('trivy-cache'),
    dbRepositories: list(input('db-repository')),
    maxDbAge: input('max-db-age'),
    offline: bool('offline'),
    outputDir: `${env.RUNNER_TEMP ?? '.'}/ship-image`,
    registry: {
      username,
      password,
      // ghcr.io takes the workflow token (for the target and for --from images alike).
      hostCredentials: token ? { 'ghcr.io': { username: env.GITHUB_ACTOR ?? 'x-access-token', password: token } } : undefined,
      insecureRegistries: [],
      caPems: caFile ? [readTextCapped(caFile, READ_CAPS.certificate, { what: 'the ca-file' })] : [],
    },
    sigstore: {
      visibility: sigstoreInput === 'github' ? 'private' : sigstoreInput === 'public-good' ? 'public' : undefined,
    },
  });
}
