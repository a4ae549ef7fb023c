// `--attest`: a digest re-scanned with a newer DB gets a fresh signed vuln attestation, and this
// signer's older scans of it are removed (as ship's supersede step does), so engines that judge
// every attestation and the scan-age rule keep passing for images that run for months.
import { vulnStatement } from '../attest/statements';
import { buildBundleReferrer } from '../attest/referrer-manifest';
import type { JsonObject } from '../attest/statement';
import { silentLogger, type Logger } from '../core/log';
import { PREDICATE } from '../oci/media-types';
import { attachReferrer, removeReferrer } from '../oci/referrers';
import type { RepositoryStore } from '../oci/store';
import type { TrivyReport } from '../scan/trivy-report';
import type { BundleSigner } from '../sign/bundle-signer';
import type { StatementSigner } from '../sign/types';
import { ownReferrers } from '../ship/steps/own-referrers';

export interface ScanAttester {
  attest(store: RepositoryStore, repository: string, digest: string, report: TrivyReport, scan: { startedOn: Date; finishedOn: Date }): Promise<{ referrer: string; superseded: number }>;
}

export interface AttesterOptions {
  signer: StatementSigner;
  /** Who `signer` is, as its bundles show it: only its own older scans are removed. */
  identity: BundleSigner;
  scannerVersion: string;
  dbVersion: string;
  logger?: Logger;
}

export function scanAttester(opts: AttesterOptions): ScanAttester {
  const logger = opts.logger ?? silentLogger;
  return {
    async attest(store, repository, digest, report, scan) {
      const subject = await store.resolve(digest);
      const statement = vulnStatement(
        { name: repository, digest },
        { scanner: 'trivy', scannerVersion: opts.scannerVersion, db: { version: opts.dbVersion }, report: report as unknown as JsonObject, startedOn: scan.startedOn, finishedOn: scan.finishedOn, invocation: { uri: 'ship-image monitor --attest' } },
      );
      const bundle = await opts.signer.signStatement(statement);
      const referrer = buildBundleReferrer({ bundle: JSON.stringify(bundle), predicateType: PREDICATE.vuln, subject });
      await store.putBlob(referrer.configBytes, referrer.manifest.config.mediaType);
      await store.putBlob(referrer.layerBytes, referrer.manifest.layers[0]!.mediaType);
      const attached = await attachReferrer(store, referrer.manifest);
      let superseded = 0;
      for (const old of await ownReferrers(store, digest, PREDICATE.vuln, opts.identity)) {
        if (old.descriptor.digest === attached.digest) continue;
        try {
          await removeReferrer(store, digest, old.descriptor.digest, { logger });
          superseded++;
        } catch (err) {
          logger.warn(`monitor: could not remove the superseded scan ${old.descriptor.digest} of ${digest}: ${(err as Error).message}`);
        }
      }
      return { referrer: attached.digest, superseded };
    },
  };
}
