export type { SerializedBundle, StatementSigner } from './types';
export { keylessSigner } from './keyless';
export { keySigner } from './key-signer';
export { checkServiceURL, resolveEndpoints } from './endpoints';
export { encryptCosignKey } from './cosign-key';
