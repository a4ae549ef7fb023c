export type { SerializedBundle, StatementSigner } from './types';
export { keylessSigner } from './keyless';
export { keySigner } from './key-signer';
export { checkServiceURL, resolveEndpoints, type SigstoreEndpoints } from './endpoints';
export { encryptCosignKey } from './cosign-key';
