import type { Vulnerability } from '../scan/model';

/** A finding in the normalized model, for the prcheck unit tests. */
export function vuln(id: string, packageName: string, installedVersion: string, severity: Vulnerability['severity'], fixedVersion?: string): Vulnerability {
  return { id, packageName, installedVersion, severity, ...(fixedVersion ? { fixedVersion } : {}) };
}

/** Untrusted strings as a hostile report would carry them in ids, package names, versions, titles. */
export const HOSTILE: readonly string[] = [
  '[click](https://evil.example/x)',
  '![img](https://evil.example/p.png)',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<!-- hidden --> <!--',
  '--> <details open>',
  '@octocat @acme/security',
  '#123 acme/app#7 GH-9',
  '`code` ``` fence',
  'a | b | c',
  'line1\nline2\r\n\n# heading\n- item',
  'bidi \u202Eevil\u202C \u2066x\u2069',
  'https://evil.example/auto www.evil.example mail@evil.example',
  '**bold** _em_ ~~strike~~ :smile:',
  '&lt;img&gt; &#60;b&#62;',
  '<https://evil.example>',
  '[ref]: https://evil.example',
  'x'.repeat(100_000),
];
