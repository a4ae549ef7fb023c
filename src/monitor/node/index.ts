// The monitor's node mode (`monitor --node`, a DaemonSet with hostPID): drift of what runs on this
// node from each digest's attested SBOM.
export { nodeDrift, type NodeDriftCache, type NodeDriftOptions, type NodeDriftResult } from './node-drift';
export { onNode, trivyRootScanner, verifiedSbomFetcher } from './edges';
export { containerIdOf, containerIdsInCgroup } from './container-id';
export { containerProcesses, processRootDir } from './procfs';
export { mountPointsInRoot, processMountPoints } from '../../drift/observe';
export { packageFingerprint } from './fingerprint';
export { withNodeDrift } from './records';
