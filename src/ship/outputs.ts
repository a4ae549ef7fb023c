import type { SeverityCounts } from '../scan/vulnerability';

/** What ship produces: action outputs and `--json` carry exactly these keys. */
export interface ShipOutputs {
  image: string;
  tag: string;
  digest: string;
  /** platform (`linux/amd64`) → manifest digest; one entry for a single-platform image. */
  platforms: Record<string, string>;
  /** statement kind → referrer manifest digest (absent when signing is off). */
  referrers: Partial<Record<ReferrerKind, string>>;
  vulnerabilities: SeverityCounts;
  /** Paths of the Sigstore bundle files written. */
  bundles: string[];
  /** Ready-to-run verification command lines; a tool that cannot check this image gets none. */
  verify: VerifyCommands;
}

export type ReferrerKind = 'signature' | 'sbom' | 'vulnerabilities' | 'provenance';

export interface VerifyCommands {
  cosign?: string;
  cosignAttestation?: string;
  gh?: string;
}

/** How the image was stored and signed: everything the printed commands depend on. */
export interface VerifyHintInput {
  imageRef: string; // repo@digest
  /** An OCI layout on disk: neither cosign nor gh reads one ship-image writes, so no line. */
  ociLayout?: boolean;
  /** A plain-http registry: cosign must be told (loopback hosts work without, as in go-containerregistry). */
  plainHttp?: boolean;
  /** `bundle` (OCI 1.1 referrers), `legacy` (.sig/.att tags only) or `both`. */
  signatureFormat: 'bundle' | 'legacy' | 'both';
  /** Keyless: the certificate identity, and the Sigstore instance that issued it. */
  identity?: { san: string; issuer: string };
  instance?: 'public-good' | 'github' | 'custom';
  /** Key signing: the public key file. */
  keyPath?: string;
  /** Whether the signatures are in a transparency log (Rekor) / carry RFC 3161 timestamps. */
  rekor: boolean;
  timestamps: boolean;
  sbomPredicateType: string;
  /** Whether a SLSA provenance statement was attested (gh checks that type by default). */
  provenance: boolean;
  /** The source repository `owner/name` (gh needs --repo or --owner). */
  repository?: string;
  /** `owner/name/path` of the reusable workflow that signed, when it is not the repository's own. */
  signerWorkflow?: string;
}

// The trusted root of GitHub's instance, as the one JSON document cosign takes (gh prints JSON Lines).
const GITHUB_TRUSTED_ROOT = 'github-trusted-root.json';
const GITHUB_TRUSTED_ROOT_FETCH = `gh attestation trusted-root | grep -F fulcio.githubapp.com > ${GITHUB_TRUSTED_ROOT} && `;

function q(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Command lines a user can paste to check the result with the ecosystem's own tools. */
export function verifyCommands(h: VerifyHintInput): VerifyCommands {
  if (h.ociLayout) return {};
  if (!h.keyPath && !h.identity) return {};
  const flags: string[] = [];
  let prefix = '';
  if (h.keyPath) {
    flags.push('--key', q(h.keyPath));
  } else if (h.identity) {
    flags.push('--certificate-identity', q(h.identity.san), '--certificate-oidc-issuer', q(h.identity.issuer));
    if (h.instance === 'github') {
      prefix = GITHUB_TRUSTED_ROOT_FETCH;
      flags.push('--trusted-root', GITHUB_TRUSTED_ROOT);
    }
  }
  if (h.timestamps) flags.push('--use-signed-timestamps');
  if (!h.rekor) flags.push('--insecure-ignore-tlog=true');
  if (h.signatureFormat === 'legacy') flags.push('--new-bundle-format=false');
  if (h.plainHttp) flags.push('--allow-http-registry');
  const who = flags.join(' ');
  const out: VerifyCommands = {
    cosign: `${prefix}cosign verify ${who} ${q(h.imageRef)}`,
    cosignAttestation: `${prefix}cosign verify-attestation ${who} --type ${q(h.sbomPredicateType)} ${q(h.imageRef)}`,
  };
  const gh = ghCommand(h);
  if (gh) out.gh = gh;
  return out;
}

/**
 * gh reads only bundle referrers, needs a GitHub Actions certificate (never a key) and --repo (or
 * --owner); a reusable workflow of another repository needs --signer-workflow.
 */
function ghCommand(h: VerifyHintInput): string | undefined {
  if (h.signatureFormat === 'legacy' || h.keyPath || !h.identity || !h.repository) return undefined;
  if (h.identity.issuer !== 'https://token.actions.githubusercontent.com') return undefined;
  const flags = ['--bundle-from-oci', '--repo', q(h.repository)];
  if (h.signerWorkflow) flags.push('--signer-workflow', q(h.signerWorkflow));
  if (!h.provenance) flags.push('--predicate-type', 'https://sigstore.dev/cosign/sign/v1');
  return `gh attestation verify oci://${h.imageRef} ${flags.join(' ')}`;
}
