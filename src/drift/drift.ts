import { compareSboms, type Drift } from './compare';
import { sbomPackages } from './sbom-packages';

/** The drift of `observed` from `attested`, each a CycloneDX or SPDX document (or a statement carrying one). */
export function driftBetween(attested: unknown, observed: unknown, names: { attested: string; observed: string } = { attested: 'the attested SBOM', observed: 'the observed SBOM' }): Drift {
  return compareSboms(sbomPackages(attested, names.attested).packages, sbomPackages(observed, names.observed).packages);
}
