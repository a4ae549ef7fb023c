import type { Logger } from '../../core/log';
import { scanRootfs } from '../../drift/observe';
import { attestedBaseSbom, type BaseSbom } from '../../prcheck/base-sbom';
import type { Policy } from '../../policy/types';
import type { VerifyImageOptions } from '../../verify/verify-image';
import type { RunningImage, Workload } from '../model';

// The production edges nodeDrift is given: trivy for a container's root, verify for the attested SBOM.

/** scanRoot for nodeDrift: trivy's rootfs SBOM of `/proc/PID/root` (offline, no DB). */
export function trivyRootScanner(opts: { trivy: string; cacheDir?: string; logger?: Logger }): (rootDir: string, skipDirs: string[]) => Promise<unknown> {
  return (rootDir, skipDirs) => scanRootfs(rootDir, { trivy: opts.trivy, cacheDir: opts.cacheDir, skipDirs, logger: opts.logger });
}

/**
 * attestedSbom for nodeDrift when no sweep has verified the digest already: verify `repository@digest`
 * with the policy and take its newest accepted SBOM attestation. A sweep passes its own verify
 * report's `newestAttestedSbom(report)` instead, so each digest is verified once.
 */
export function verifiedSbomFetcher(policy: Policy, opts: VerifyImageOptions): (image: RunningImage) => Promise<BaseSbom> {
  return (image) => attestedBaseSbom(`${image.repository}@${image.digest}`, policy, opts);
}

/** The inventory's images restricted to the workloads on `nodeName` (images with none left dropped). */
export function onNode<T extends { workloads: Workload[] }>(images: T[], nodeName: string): T[] {
  return images.map((i) => ({ ...i, workloads: i.workloads.filter((w) => w.node === nodeName) })).filter((i) => i.workloads.length > 0);
}
