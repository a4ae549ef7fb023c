import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

test('the precompiled policy validator is what schema/policy.schema.json compiles to', () => {
  const root = join(__dirname, '..', '..');
  const fresh = execFileSync(process.execPath, ['--input-type=module', '-e', "import('./scripts/gen-policy-validator.mjs').then((m) => process.stdout.write(m.generatePolicyValidator()))"], {
    cwd: root,
    encoding: 'utf8',
  });
  const committed = readFileSync(join(__dirname, 'policy-validator.generated.js'), 'utf8');
  if (fresh !== committed) throw new Error('src/policy/policy-validator.generated.js is stale: run node scripts/gen-policy-validator.mjs');
});
