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
  /** Ready-to-run verification command lines. */
  verify: { cosign: string; cosignAttestation: string; gh: string };
}

export type ReferrerKind = 'signature' | 'sbom' | 'vulnerabilities' | 'provenance';

export interface VerifyHintInput {
  imageRef: string; // repo@digest
  identity?: { san: string; issuer: string };
  keyPath?: string;
  sbomPredicateType: string;
  repository?: string; // owner/name for gh
}

function q(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Command lines a user can paste to check the result with the ecosystem's own tools. */
export function verifyCommands(h: VerifyHintInput): ShipOutputs['verify'] {
  const who = h.keyPath
    ? `--key ${q(h.keyPath)}`
    : h.identity
      ? `--certificate-identity ${q(h.identity.san)} --certificate-oidc-issuer ${q(h.identity.issuer)}`
      : '';
  const gh = h.repository
    ? `gh attestation verify oci://${h.imageRef} --repo ${q(h.repository)} --bundle-from-oci`
    : `gh attestation verify oci://${h.imageRef} --bundle-from-oci`;
  return {
    cosign: `cosign verify ${who} ${q(h.imageRef)}`.replace(/ +/g, ' '),
    cosignAttestation: `cosign verify-attestation ${who} --type ${q(h.sbomPredicateType)} ${q(h.imageRef)}`.replace(/ +/g, ' '),
    gh,
  };
}
