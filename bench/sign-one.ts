/**
 * One keyless signature in a process of its own, as the seed-shaped pipeline of bench/ship.ts runs
 * it: a fresh key, a fresh OIDC token and a fresh Fulcio certificate per signature.
 *
 *   node --require ./bench/register.js bench/sign-one.ts STATEMENT.json BUNDLE.json
 *   env: BENCH_FULCIO_URL, BENCH_REKOR_URL, BENCH_TSA_URL, ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Statement } from '../src/attest/statement';
import { keylessSigner } from '../src/sign';
import { fetchIdToken } from './oidc-token';

async function main(): Promise<void> {
  const [statementFile, bundleFile] = process.argv.slice(2);
  const env = process.env;
  if (!statementFile || !bundleFile || !env.BENCH_FULCIO_URL || !env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new Error('usage: sign-one.ts STATEMENT.json BUNDLE.json, with BENCH_FULCIO_URL and ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN set');
  }
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  const signer = keylessSigner({
    fulcioURL: env.BENCH_FULCIO_URL,
    rekorURL: env.BENCH_REKOR_URL || undefined,
    tsaURL: env.BENCH_TSA_URL || undefined,
    identityToken: () => fetchIdToken(requestUrl, requestToken),
  });
  const statement = JSON.parse(readFileSync(statementFile, 'utf8')) as Statement<object>;
  writeFileSync(bundleFile, JSON.stringify(await signer.signStatement(statement)));
}

main().catch((err: unknown) => {
  process.stderr.write(`sign-one failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
