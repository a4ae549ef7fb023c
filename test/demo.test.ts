// `npm run demo` shows the whole loop on the embedded defaults, and every command it prints works as
// printed: each `$ npx ship-image ...` line (and each one under "next") is run here through the CLI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runMain } from './support/run-main';

jest.setTimeout(300_000);

/** `npx ship-image a b c > FILE   # comment` → argv and the redirect target. */
function parseShown(line: string): { argv: string[]; redirect?: string } {
  const [command] = line.split('   #');
  const [args, redirect] = command!.replace(/^\$ /, '').split(' > ');
  const words = args!.trim().split(/\s+/);
  expect(words.slice(0, 2)).toEqual(['npx', 'ship-image']);
  return { argv: words.slice(2), redirect: redirect?.trim() };
}

/** Report text with its relative ages ("27479h29m43.9s ago", "458ms old") blanked: they move between runs. */
function withoutAges(text: string): string {
  return text.trimEnd().replace(/[\d.hms]+ (ago|old)\b/g, 'T $1');
}

describe('demo', () => {
  const cwd = process.cwd();
  let dir: string;
  let stdout: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ship-image-demo-'));
    process.chdir(dir);
    const result = await runMain(['demo']);
    expect(result.code).toBe(0);
    stdout = result.stdout;
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('ships, denies the vulnerable image with the rule and its CVEs, allows the patched one, renders Kyverno', () => {
    expect(stdout).toMatch(/== 2\. verified it against the sample policy \.demo\/policy\.yaml: DENIED \(vulnerabilities\)/);
    expect(stdout).toMatch(/FAIL vulnerabilities: 3 CRITICAL .*CVE-2023-45853/);
    expect(stdout).toMatch(/offending CVE-2019-10744 in lodash: CRITICAL/);
    expect(stdout).toMatch(/== 3\. shipped the patched variant .*: ALLOWED/);
    expect(stdout).toMatch(/== 4\. rendered the same policy file for Kyverno/);
    expect(stdout).not.toMatch(/cosign |gh attestation/); // neither reads an OCI layout
    expect(stdout).not.toContain(dir); // paths as typed, relative to where the demo runs
  });

  test('every printed command runs as printed, with the verdict the demo showed', async () => {
    const shown = stdout.split('\n').filter((l) => l.startsWith('$ npx ship-image '));
    const next = stdout.split('== next\n')[1]!.split('\n').filter((l) => l.startsWith('npx ship-image '));
    expect(shown).toHaveLength(4);
    expect(next.length).toBeGreaterThanOrEqual(3);
    for (const line of [...shown, ...next]) {
      const { argv, redirect } = parseShown(line);
      const result = await runMain(argv);
      const denied = argv[0] === 'verify' && argv[1]!.startsWith('oci-layout:.demo/registry@');
      expect({ line, code: result.code }).toEqual({ line, code: denied ? 1 : 0 });
      if (redirect) expect(result.stdout).toBe(readFileSync(redirect, 'utf8'));
      if (argv[0] === 'verify' && !argv.includes('--json')) {
        // the same report the demo printed under this command
        const section = stdout.split(line + '\n')[1]!.split('\n\n')[0]!;
        expect(withoutAges(result.stdout)).toBe(withoutAges(section));
      }
    }
  });
});
