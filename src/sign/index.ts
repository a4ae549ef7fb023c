export type { SerializedBundle, StatementSigner } from './types';
export { keylessSigner } from './keyless';
export { keySigner } from './key-signer';
export { resolveEndpoints } from './endpoints';
export { encryptCosignKey } from './cosign-key';
