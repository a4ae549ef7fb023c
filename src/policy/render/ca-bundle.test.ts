import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caBundleProblem } from './ca-bundle';

describe('caBundleProblem', () => {
  let pem: string;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-bundle-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-subj', '/CN=t', '-days', '1'], { stdio: 'ignore' });
      pem = readFileSync(join(dir, 'c'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts one or several PEM certificates', () => {
    expect(caBundleProblem(pem)).toBeUndefined();
    expect(caBundleProblem(pem + pem)).toBeUndefined();
  });

  it('says what is wrong otherwise', () => {
    expect(caBundleProblem('hello')).toMatch(/no PEM certificate/);
    expect(caBundleProblem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toMatch(/certificate 1 does not parse/);
    expect(caBundleProblem(pem + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toMatch(/certificate 2/);
  });
});
