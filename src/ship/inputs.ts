import { UserError } from '../core/errors';

/** The inputs that take one of a few words; the first word is the default. */
const CHOICES = {
  builder: ['auto', 'buildx', 'docker', 'buildah'],
  'sbom-format': ['cyclonedx', 'spdx'],
  scanner: ['trivy', 'grype'],
  'fail-on': ['critical', 'high', 'medium', 'low', 'none'],
  sign: ['keyless', 'key', 'none'],
  'signature-format': ['bundle', 'legacy', 'both'],
  visibility: ['public', 'private', 'internal'],
} as const;

export type Builder = (typeof CHOICES.builder)[number];
export type SbomFormat = (typeof CHOICES)['sbom-format'][number];
export type Scanner = (typeof CHOICES.scanner)[number];
export type FailOn = (typeof CHOICES)['fail-on'][number];
export type SignMode = (typeof CHOICES.sign)[number];
export type SignatureFormat = (typeof CHOICES)['signature-format'][number];
export type Visibility = (typeof CHOICES.visibility)[number];

/** Everything `ship` needs, already validated: the action and the CLI both produce this record. */
export interface ShipInputs {
  /** Target repository (`ghcr.io/acme/api`) or `oci-layout:DIR`. Never carries a tag. */
  image: string;
  /** Ship a prebuilt image instead of building: `REF`, `oci-layout:DIR[:tag]`, `docker-archive:FILE`. */
  from?: string;
  context: string;
  file?: string;
  builder: Builder;
  platforms: string[];
  buildArgs: Record<string, string>;
  /** Overrides the commit SHA as the immutable tag (CLI `--tag`). */
  tag?: string;
  /** Extra tags (may be mutable, e.g. `latest`): pushed in addition to the immutable one. */
  extraTags: string[];
  sbomFormat: SbomFormat;
  scanner: Scanner;
  failOn: FailOn;
  ignoreUnfixed: boolean;
  sign: SignMode;
  keyFile?: string;
  keyPassword?: string;
  signatureFormat: SignatureFormat;
  trivyCache?: string;
  dbRepositories: string[];
  maxDbAge?: string;
  /** Accepted risks: a file in trivy's `.trivyignore` format (one id per line, optional `exp:DATE`). */
  ignoreFile?: string;
  /** A VEX document (OpenVEX; CycloneDX VEX with trivy). Both are recorded in the vuln attestation. */
  vex?: string;
  /**
   * The scanner binaries: explicit paths (CLI `--trivy-path`/`--grype-path`), or, with `pinnedOnly`
   * (the action), only the pinned releases, re-hashed on every use.
   */
  tools?: { trivyPath?: string; grypePath?: string; pinnedOnly?: boolean };
  offline: boolean;
  outputDir: string;
  registry: {
    /** Credentials for the target registry. */
    username?: string;
    password?: string;
    /** Credentials per registry host, e.g. the workflow token for ghcr.io (also used for --from). */
    hostCredentials?: Record<string, { username: string; password: string }>;
    insecureRegistries: string[];
    caPems: string[];
    /** How long one registry request may take in all; the transport's default when absent. */
    deadlineMs?: number;
  };
  sigstore: {
    fulcioURL?: string;
    rekorURL?: string;
    tsaURL?: string;
    visibility?: Visibility;
  };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  const v = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new UserError(`${name} '${value}' is not one of ${allowed.join(', ')}; pick one of those`);
}

/** The choice inputs as written (action input or CLI flag, same names), checked; defaults where absent. */
export function choices(
  text: { builder?: string; sbomFormat?: string; scanner?: string; failOn?: string; sign?: string; signatureFormat?: string },
  signDefault: SignMode = 'keyless',
): Pick<ShipInputs, 'builder' | 'sbomFormat' | 'scanner' | 'failOn' | 'sign' | 'signatureFormat'> {
  return {
    builder: oneOf('builder', text.builder, CHOICES.builder, 'auto'),
    sbomFormat: oneOf('sbom-format', text.sbomFormat, CHOICES['sbom-format'], 'cyclonedx'),
    scanner: oneOf('scanner', text.scanner, CHOICES.scanner, 'trivy'),
    failOn: oneOf('fail-on', text.failOn, CHOICES['fail-on'], 'critical'),
    sign: oneOf('sign', text.sign, CHOICES.sign, signDefault),
    signatureFormat: oneOf('signature-format', text.signatureFormat, CHOICES['signature-format'], 'bundle'),
  };
}

/** `--visibility`: undefined when not given (then the shell or the default endpoints decide). */
export function visibility(text: string | undefined): Visibility | undefined {
  return text ? oneOf('visibility', text, CHOICES.visibility, 'public') : undefined;
}

/** Comma- or newline-separated list, as GitHub Actions inputs are usually written. */
export function list(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `K=V` lines (build-args); a line without `=` is an error naming it. */
export function keyValues(name: string, values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of values) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UserError(`${name} entry '${line}' is not KEY=VALUE; write it as KEY=VALUE`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const PLATFORM_RE = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

export function platforms(values: string[]): string[] {
  for (const p of values) {
    if (!PLATFORM_RE.test(p)) throw new UserError(`platform '${p}' is not OS/ARCH[/VARIANT]; write e.g. linux/amd64`);
  }
  return values;
}

export function validateInputs(i: ShipInputs): ShipInputs {
  if (!i.image) throw new UserError('image is required; pass the repository to push to, e.g. ghcr.io/acme/api');
  // A tag or digest on the image is refused by parseTarget (plan.ts), with the reference parser.
  if (i.sign === 'key' && !i.keyFile) throw new UserError('sign: key needs a key file; pass --key FILE (PEM PKCS#8 EC P-256 or a cosign key)');
  if (i.sign !== 'key' && i.keyFile) throw new UserError('a key file was given but sign is not "key"; add --sign key or drop --key');
  if (i.signatureFormat !== 'bundle' && i.sign === 'none') {
    throw new UserError(`signature-format ${i.signatureFormat} needs signing; drop it or choose --sign keyless|key`);
  }
  if (i.from && i.platforms.length > 0) {
    throw new UserError('platforms apply to a build, not to --from (the source image decides its platforms); drop one of them');
  }
  return i;
}
