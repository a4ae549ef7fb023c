import { addSecret } from '../../core/log';
import { parseFlags } from '../command';
import { REGISTRY_FLAGS, registryOptionsFromFlags } from '../registry-flags';
import { choices, keyValues, list, platforms, validateInputs, visibility, type ShipInputs } from '../../ship/inputs';

export const SHIP_USAGE =
  'ship-image ship --image REPO [--from SRC] [--context DIR] [--file F] [--builder auto|buildx|docker|buildah] ' +
  '[--platforms LIST] [--build-arg K=V]... [--tag T] [--extra-tag T]... [--sbom-format cyclonedx|spdx] [--scanner trivy|grype] ' +
  '[--fail-on critical|high|medium|low|none] [--ignore-unfixed] [--sign keyless|key|none] [--key FILE] ' +
  '[--signature-format bundle|legacy|both] [--trivy-cache DIR] [--db-repository REPO]... [--max-db-age DUR] [--offline] ' +
  '[--ignore-file FILE] [--vex FILE] [--trivy-path BIN] [--grype-path BIN] ' +
  '[--insecure-registry HOST]... [--username U --password-stdin] [--timeout 10m] [--output-dir DIR] [--fulcio-url URL] [--rekor-url URL] ' +
  '[--tsa-url URL] [--visibility public|private|internal] [--json]';

const FLAGS = {
  image: { type: 'string' },
  from: { type: 'string' },
  context: { type: 'string' },
  file: { type: 'string' },
  builder: { type: 'string' },
  platforms: { type: 'string' },
  'build-arg': { type: 'string', multiple: true },
  tag: { type: 'string' },
  'extra-tag': { type: 'string', multiple: true },
  'sbom-format': { type: 'string' },
  scanner: { type: 'string' },
  'fail-on': { type: 'string' },
  'ignore-unfixed': { type: 'boolean' },
  sign: { type: 'string' },
  key: { type: 'string' },
  'signature-format': { type: 'string' },
  'trivy-cache': { type: 'string' },
  'db-repository': { type: 'string', multiple: true },
  'max-db-age': { type: 'string' },
  'ignore-file': { type: 'string' },
  vex: { type: 'string' },
  'trivy-path': { type: 'string' },
  'grype-path': { type: 'string' },
  offline: { type: 'boolean' },
  ...REGISTRY_FLAGS,
  'output-dir': { type: 'string' },
  'fulcio-url': { type: 'string' },
  'rekor-url': { type: 'string' },
  'tsa-url': { type: 'string' },
  visibility: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--help`, or the inputs of a run. */
export type ShipCliArgs = { help: true } | { help: false; inputs: ShipInputs; json: boolean };

/** CLI flags (and env: COSIGN_PASSWORD, SHIP_IMAGE_CA_FILE) → validated ShipInputs. */
export function parseShipArgs(argv: string[], env: NodeJS.ProcessEnv, readStdin: () => string): ShipCliArgs {
  const { values: v } = parseFlags(argv, FLAGS, SHIP_USAGE);
  if (v.help) return { help: true };
  const registry = registryOptionsFromFlags(v, env, readStdin);
  const keyPassword = env.COSIGN_PASSWORD;
  addSecret(keyPassword);
  const inputs: ShipInputs = {
    image: v.image ?? '',
    from: v.from,
    context: v.context ?? '.',
    file: v.file,
    ...choices(
      {
        builder: v.builder,
        sbomFormat: v['sbom-format'],
        scanner: v.scanner,
        failOn: v['fail-on'],
        sign: v.sign,
        signatureFormat: v['signature-format'],
      },
      // --key alone means key signing.
      v.key ? 'key' : 'keyless',
    ),
    platforms: platforms(list(v.platforms)),
    buildArgs: keyValues('build-arg', v['build-arg'] ?? []),
    tag: v.tag,
    extraTags: v['extra-tag'] ?? [],
    ignoreUnfixed: v['ignore-unfixed'] ?? false,
    keyFile: v.key,
    keyPassword,
    trivyCache: v['trivy-cache'],
    dbRepositories: v['db-repository'] ?? [],
    maxDbAge: v['max-db-age'],
    ignoreFile: v['ignore-file'],
    vex: v.vex,
    tools: { trivyPath: v['trivy-path'], grypePath: v['grype-path'] },
    offline: v.offline ?? false,
    outputDir: v['output-dir'] ?? '.ship-image',
    registry: {
      username: registry.username,
      password: registry.password,
      insecureRegistries: registry.insecureRegistries ?? [],
      caPems: registry.caPems ?? [],
      deadlineMs: registry.deadlineMs,
    },
    sigstore: {
      fulcioURL: v['fulcio-url'],
      rekorURL: v['rekor-url'],
      tsaURL: v['tsa-url'],
      visibility: visibility(v.visibility),
    },
  };
  return { inputs: validateInputs(inputs), json: v.json ?? false, help: false };
}
