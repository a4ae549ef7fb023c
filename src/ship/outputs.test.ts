import { verifyCommands, type VerifyHintInput } from './outputs';

// The documented flag sets the printed lines are checked against:
// - cosign v3: sigstore/cosign doc/cosign_verify.md and doc/cosign_verify-attestation.md ("Options"),
//   generated from cmd/cosign/cli/options (verify.go, certificate.go, rekor.go, registry.go).
// - gh: cli/cli pkg/cmd/attestation/verify/verify.go (verifyCmd.Flags()); --owner and --repo are
//   mutually exclusive and one of them is required; --cert-identity, --cert-identity-regex,
//   --signer-repo and --signer-workflow are mutually exclusive.
const COSIGN_VERIFY_FLAGS = [
  '--allow-http-registry',
  '--allow-insecure-registry',
  '--certificate-identity',
  '--certificate-identity-regexp',
  '--certificate-oidc-issuer',
  '--certificate-oidc-issuer-regexp',
  '--insecure-ignore-sct',
  '--insecure-ignore-tlog',
  '--key',
  '--new-bundle-format',
  '--private-infrastructure',
  '--rekor-url',
  '--trusted-root',
  '--use-signed-timestamps',
];
const COSIGN_VERIFY_ATTESTATION_FLAGS = [...COSIGN_VERIFY_FLAGS, '--type'];
const GH_ATTESTATION_VERIFY_FLAGS = [
  '--bundle',
  '--bundle-from-oci',
  '--cert-identity',
  '--cert-identity-regex',
  '--cert-oidc-issuer',
  '--custom-trusted-root',
  '--deny-self-hosted-runners',
  '--no-public-good',
  '--owner',
  '--predicate-type',
  '--repo',
  '--signer-digest',
  '--signer-repo',
  '--signer-workflow',
  '--source-digest',
  '--source-ref',
];
const GH_EXCLUSIVE = ['--cert-identity', '--cert-identity-regex', '--signer-repo', '--signer-workflow'];

const IMAGE = `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`;
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** `cmd --a x --b=y IMAGE` → { command, flags: ['--a', '--b'], values, positionals }. */
function parseLine(line: string, command: string) {
  const at = line.indexOf(command);
  expect(at).toBeGreaterThanOrEqual(0);
  const words = line.slice(at + command.length).trim().split(/ +/);
  const flags: string[] = [];
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith('--')) {
      positionals.push(word);
      continue;
    }
    const [name, inline] = word.split('=', 2) as [string, string | undefined];
    flags.push(name);
    const boolean = ['--bundle-from-oci', '--use-signed-timestamps', '--allow-http-registry', '--insecure-ignore-tlog', '--new-bundle-format'].includes(name);
    values[name] = inline ?? (boolean ? 'true' : (words[++i] as string));
  }
  return { flags, values, positionals };
}

function checkCosign(line: string | undefined, sub: 'verify' | 'verify-attestation') {
  expect(line).toBeDefined();
  const parsed = parseLine(line as string, `cosign ${sub} `);
  const documented = sub === 'verify' ? COSIGN_VERIFY_FLAGS : COSIGN_VERIFY_ATTESTATION_FLAGS;
  for (const f of parsed.flags) expect(documented).toContain(f);
  expect(parsed.positionals).toEqual([IMAGE]);
  // Key or identity, never both; an identity always with its issuer.
  expect(parsed.flags.includes('--key')).not.toBe(parsed.flags.includes('--certificate-identity'));
  if (parsed.flags.includes('--certificate-identity')) expect(parsed.flags).toContain('--certificate-oidc-issuer');
  return parsed;
}

function checkGh(line: string | undefined) {
  expect(line).toBeDefined();
  const parsed = parseLine(line as string, 'gh attestation verify ');
  for (const f of parsed.flags) expect(GH_ATTESTATION_VERIFY_FLAGS).toContain(f);
  expect(parsed.flags.filter((f) => f === '--owner' || f === '--repo')).toHaveLength(1);
  expect(parsed.flags.filter((f) => GH_EXCLUSIVE.includes(f)).length).toBeLessThanOrEqual(1);
  expect(parsed.positionals).toEqual([`oci://${IMAGE}`]);
  return parsed;
}

const keyless: VerifyHintInput = {
  imageRef: IMAGE,
  signatureFormat: 'bundle',
  identity: { san: 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main', issuer: GITHUB_ISSUER },
  instance: 'public-good',
  rekor: true,
  timestamps: false,
  sbomPredicateType: 'https://cyclonedx.org/bom',
  provenance: true,
  repository: 'acme/api',
};

describe('verify command lines, per way of signing', () => {
  test('keyless on the public-good instance: identity and issuer; gh with --repo', () => {
    const v = verifyCommands(keyless);
    const c = checkCosign(v.cosign, 'verify');
    expect(c.values['--certificate-identity']).toBe(keyless.identity!.san);
    expect(c.flags).not.toContain('--insecure-ignore-tlog');
    expect(checkCosign(v.cosignAttestation, 'verify-attestation').values['--type']).toBe('https://cyclonedx.org/bom');
    const g = checkGh(v.gh);
    expect(g.values['--repo']).toBe('acme/api');
    expect(g.flags).not.toContain('--predicate-type'); // provenance is attested: gh's default type is there
  });

  test('a key without a transparency log: --key and --insecure-ignore-tlog=true; no gh line (gh needs a certificate)', () => {
    const v = verifyCommands({ ...keyless, identity: undefined, instance: undefined, keyPath: 'out/cosign.pub', rekor: false });
    for (const [line, sub] of [[v.cosign, 'verify'], [v.cosignAttestation, 'verify-attestation']] as const) {
      const c = checkCosign(line, sub);
      expect(c.values['--key']).toBe('out/cosign.pub');
      expect(line).toContain('--insecure-ignore-tlog=true');
    }
    expect(v.gh).toBeUndefined();
    // With Rekor given, the log is checked.
    expect(verifyCommands({ ...keyless, identity: undefined, keyPath: 'k.pub', rekor: true }).cosign).not.toContain('--insecure-ignore-tlog');
  });

  test("GitHub's private instance: its trusted root as one JSON document, signed timestamps, no tlog", () => {
    const v = verifyCommands({ ...keyless, instance: 'github', rekor: false, timestamps: true });
    for (const [line, sub] of [[v.cosign, 'verify'], [v.cosignAttestation, 'verify-attestation']] as const) {
      const c = checkCosign(line, sub);
      expect(c.values['--trusted-root']).toBe('github-trusted-root.json');
      expect(c.flags).toEqual(expect.arrayContaining(['--use-signed-timestamps', '--insecure-ignore-tlog']));
      // The file comes from gh (JSON Lines), keeping the one root of GitHub's Fulcio.
      expect(line).toMatch(/^gh attestation trusted-root \| grep -F fulcio\.githubapp\.com > github-trusted-root\.json && cosign /);
    }
    // gh knows GitHub's instance itself.
    expect(checkGh(v.gh).flags).not.toContain('--custom-trusted-root');
  });

  test('signed inside a reusable workflow of another repository: gh --signer-workflow beside --repo', () => {
    const v = verifyCommands({
      ...keyless,
      identity: { san: 'https://github.com/octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3', issuer: GITHUB_ISSUER },
      signerWorkflow: 'octo-org/ship-image/.github/workflows/ship.yml',
    });
    const g = checkGh(v.gh);
    expect(g.values['--signer-workflow']).toBe('octo-org/ship-image/.github/workflows/ship.yml');
    expect(g.values['--repo']).toBe('acme/api');
    expect(checkCosign(v.cosign, 'verify').values['--certificate-identity']).toBe('https://github.com/octo-org/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3');
  });

  test('an OCI layout target: no line at all', () => {
    expect(verifyCommands({ ...keyless, ociLayout: true })).toEqual({});
    expect(verifyCommands({ ...keyless, identity: undefined, keyPath: 'k.pub', ociLayout: true })).toEqual({});
  });

  test('legacy tags only: cosign told to read them, no gh line (gh reads bundle referrers only)', () => {
    const v = verifyCommands({ ...keyless, signatureFormat: 'legacy' });
    expect(checkCosign(v.cosign, 'verify').values['--new-bundle-format']).toBe('false');
    expect(v.gh).toBeUndefined();
    expect(verifyCommands({ ...keyless, signatureFormat: 'both' }).cosign).not.toContain('--new-bundle-format');
  });

  test('no provenance: gh is told the signature type; no GitHub repository or a non-GitHub issuer: no gh line', () => {
    expect(checkGh(verifyCommands({ ...keyless, provenance: false }).gh).values['--predicate-type']).toBe('https://sigstore.dev/cosign/sign/v1');
    expect(verifyCommands({ ...keyless, repository: undefined }).gh).toBeUndefined();
    expect(verifyCommands({ ...keyless, identity: { san: 'me@example.com', issuer: 'https://accounts.google.com' } }).gh).toBeUndefined();
  });

  test('a plain-http registry: cosign is allowed http; quoting keeps odd values one word', () => {
    const v = verifyCommands({ ...keyless, plainHttp: true, identity: { san: "https://x/y z@'q'", issuer: GITHUB_ISSUER } });
    expect(v.cosign).toContain('--allow-http-registry');
    expect(v.cosign).toContain(`--certificate-identity 'https://x/y z@'\\''q'\\'''`);
  });

  test('unsigned: nothing to verify', () => {
    expect(verifyCommands({ ...keyless, identity: undefined })).toEqual({});
  });
});
