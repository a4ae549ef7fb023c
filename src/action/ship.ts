import * as core from '@actions/core';
import { oneLine } from '../core/errors';
import type { Logger } from '../core/log';
import { inertText } from '../core/untrusted-text';
import { identityTokenSource } from '../ship/identity-token';
import { gate, ship } from '../ship/run';
import { summaryMarkdown } from '../ship/summary';
import { readShipInputs } from './inputs';

// Messages quote registries and tools: made inert before they reach the workflow log.
const inert = (m: string) => inertText(m, { max: 8000, multiline: true });
const logger: Logger = { info: (m) => core.info(inert(m)), warn: (m) => core.warning(inert(m)), debug: (m) => core.debug(inert(m)) };

// Thin shell: read inputs into a typed record, hand them to the core, write outputs.
async function run(): Promise<void> {
  try {
    const inputs = readShipInputs(process.env);
    // `sigstore: auto` leaves the visibility to the job token's `repository_visibility` claim, read by the
    // core before it signs: unknown fails closed (GitHub's instance), never the public log.
    const result = await ship(inputs, { env: process.env, cwd: process.cwd(), logger, identityToken: identityTokenSource(process.env) });
    const o = result.outputs;
    core.setOutput('image', o.image);
    core.setOutput('tag', o.tag);
    core.setOutput('digest', o.digest);
    core.setOutput('platforms', JSON.stringify(o.platforms));
    core.setOutput('referrers', JSON.stringify(o.referrers));
    core.setOutput('vulnerabilities', JSON.stringify(o.vulnerabilities));
    core.setOutput('bundles', JSON.stringify(o.bundles));
    core.setOutput('verify', JSON.stringify(o.verify));
    await core.summary.addRaw(summaryMarkdown(o, result.vulnerabilities, result.offenders)).write();
    gate(result, inputs.failOn);
  } catch (err) {
    core.setFailed(inertText(oneLine(err), { max: 4000 }));
    const code = (err as { exitCode?: number }).exitCode;
    if (code === 2) process.exitCode = 2;
  }
}

void run();
