import * as core from '@actions/core';
import { oneLine } from '../core/errors';
import type { Logger } from '../core/log';
import { mdCode, mdText } from '../core/markdown';
import { inertText } from '../core/untrusted-text';
import type { RegistryClientOptions } from '../oci/registry';
import { loadPolicy } from '../policy/load';
import { reportJson } from '../verify/report';
import { loadTrustedRoot } from '../verify/trusted-root';
import { verifyImage, type VerifyReport } from '../verify/verify-image';
import { input, secret } from './inputs';

// Messages quote registries and tools: made inert before they reach the workflow log.
const inert = (m: string) => inertText(m, { max: 8000, multiline: true });
const logger: Logger = { info: (m) => core.info(inert(m)), warn: (m) => core.warning(inert(m)), debug: (m) => core.debug(inert(m)) };

function registryOptions(image: string): RegistryClientOptions {
  const username = input('registry-username');
  const password = secret(input('registry-password'));
  const token = secret(input('github-token'));
  // ghcr.io takes the workflow token when no credentials are given.
  const ghcr = image.startsWith('ghcr.io/');
  return {
    username: username ?? (ghcr && token ? process.env.GITHUB_ACTOR : undefined),
    password: password ?? (ghcr ? token : undefined),
    env: process.env,
    logger,
    userAgent: 'ship-image',
  };
}

function summaryMarkdown(report: VerifyReport): string {
  const verdict = report.allowed ? (report.rules.every((r) => r.passed) ? '✅ allowed' : '⚠️ allowed (audit mode)') : '❌ denied';
  const rows = report.rules.map((r) => `| ${r.rule} | ${r.passed ? 'pass' : '**fail**'} | ${mdText(r.reason, 2000)} |`);
  const lines = [`### ship-image verify: ${verdict}`, '', `${mdCode(report.image)} — digest ${mdCode(report.digest)}`, '', '| rule | result | reason |', '|---|---|---|', ...rows];
  if (report.rejected.length > 0) {
    lines.push('', `<details><summary>${report.rejected.length} attestation(s) set aside</summary>`, '');
    for (const r of report.rejected) lines.push(`- ${mdCode(r.referrerDigest)}${r.predicateType ? ` (${mdText(r.predicateType)})` : ''}: ${mdText(r.reason, 2000)}`);
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}

// Thin shell: inputs → verifyImage → outputs, job summary, and a failed step on deny.
async function run(): Promise<void> {
  try {
    const image = input('image');
    const policyPath = input('policy');
    if (!image) throw new Error('input image is required; pass the image to verify, preferably by digest (repo@sha256:...)');
    if (!policyPath) throw new Error('input policy is required; pass the path of the ship-image policy file');
    const policy = loadPolicy(policyPath);
    const rootPath = input('trusted-root');
    const trustedRoot = rootPath ? loadTrustedRoot({ kind: 'file', path: rootPath }) : undefined;
    const report = await verifyImage(image, policy, { registry: registryOptions(image), trustedRoot, logger });
    core.setOutput('allowed', String(report.allowed));
    core.setOutput('digest', report.digest);
    core.setOutput('report', JSON.stringify(reportJson(report)));
    for (const r of report.rules) (r.passed ? core.info : core.warning)(`${r.passed ? 'pass' : 'FAIL'} ${r.rule}: ${inertText(r.reason, { max: 2000 })}`);
    await core.summary.addRaw(summaryMarkdown(report)).write();
    if (!report.allowed) {
      const failed = report.rules.filter((r) => !r.passed).map((r) => `${r.rule}: ${r.reason}`);
      core.setFailed(inertText(`${report.image} (${report.digest}) is denied by ${policyPath}: ${failed.join('; ')}`, { max: 4000 }));
    }
  } catch (err) {
    core.setFailed(inertText(oneLine(err), { max: 4000 }));
    process.exitCode = 2;
  }
}

void run();
