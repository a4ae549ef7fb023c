import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { fsReason } from '../core/fs-errors';
import { checkSource } from '../build/source';
import { parseDbAge, prepareTrivyDb, type PreparedDb } from '../tools/trivy-db';
import { resolveTool, type ResolvedTool } from '../tools/resolve-tool';
import type { ShipEnvironment, ShipPlan } from './plan';
import { chooseSigner, type ChosenSigner } from './signer';
import { defaultTrivyCache } from './steps/analyze';

/** The scanner binaries and the vulnerability DB, ready before anything is pushed. */
export interface PreparedScanner {
  trivy: ResolvedTool;
  grype?: ResolvedTool;
  cacheDir: string;
  db: PreparedDb;
}

/** What the preflight found ready; the steps use it instead of looking again. */
export interface Preflight {
  /** Undefined for `sign: none`. */
  signer?: ChosenSigner;
  scanner: PreparedScanner;
}

/**
 * Everything that can be checked without the target registry, checked before the first push: an
 * image must never be left under its tag because of a mistake that was knowable up front. Reads
 * and creates local files only (the output dir, the trivy cache, the key's public half); online,
 * the DB download and tool downloads happen here too, so their failure pushes nothing either.
 */
export async function preflight(plan: ShipPlan, world: ShipEnvironment): Promise<Preflight> {
  const { inputs } = plan;
  if (inputs.maxDbAge !== undefined) parseDbAge(inputs.maxDbAge);
  await writableDir(plan.outputDir, 'output-dir');
  if (plan.target.kind === 'oci-layout') await checkTargetLayout(plan);
  if (inputs.from) await checkSource(inputs.from);
  const signer = await chooseSigner(inputs, world, plan.outputDir, plan.tokenClaims);
  const scanner = await prepareScanner(plan, world);
  return { signer, scanner };
}

/** An existing target layout must be a directory whose index.json and oci-layout file parse. */
async function checkTargetLayout(plan: ShipPlan): Promise<void> {
  if (plan.target.kind !== 'oci-layout') return;
  const dir = plan.target.dir;
  try {
    if (!(await stat(dir)).isDirectory()) throw new UserError(`image '${plan.target.name}': ${dir} is not a directory; name a directory for the OCI image layout`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // created by the first write
    throw new UserError(`image '${plan.target.name}': ${dir} cannot be used (${fsReason(err) ?? 'unusable'}); name a directory for the OCI image layout`);
  }
  await plan.store.listTags();
}

/** Resolve trivy (and grype) and prepare the trivy DB in its cache dir: offline, it must be there and young enough. */
async function prepareScanner(plan: ShipPlan, world: ShipEnvironment): Promise<PreparedScanner> {
  const { inputs } = plan;
  const tools = inputs.tools ?? {};
  const resolve = (name: 'trivy' | 'grype', explicitPath: string | undefined) =>
    resolveTool(name, { explicitPath, pinnedOnly: tools.pinnedOnly, logger: world.logger, allowDownload: !inputs.offline });
  const grype = inputs.scanner === 'grype' ? await resolve('grype', tools.grypePath) : undefined;
  const trivy = await resolve('trivy', tools.trivyPath);
  const cacheDir = path.resolve(world.cwd, inputs.trivyCache ?? defaultTrivyCache(world.env));
  await writableDir(cacheDir, 'trivy-cache');
  const db = await prepareTrivyDb({
    cacheDir,
    offline: inputs.offline,
    binary: trivy.path,
    dbRepositories: inputs.dbRepositories.length > 0 ? inputs.dbRepositories : undefined,
    maxDbAge: inputs.maxDbAge,
    useActionsCache: world.env.GITHUB_ACTIONS === 'true',
    logger: world.logger,
  });
  return { trivy, grype, cacheDir, db };
}

/** `dir` exists (created if need be) and a file can be written in it; else a UserError naming `what`. */
async function writableDir(dir: string, what: string): Promise<void> {
  const probe = path.join(dir, `.ship-image-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    throw new UserError(`${what} '${dir}' cannot be written (${fsReason(err) ?? 'unusable'}); pass a directory you can write`);
  }
}
