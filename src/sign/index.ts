export type { RekorEntryType, SerializedBundle, StatementSigner } from './types';
export { keylessSigner, type KeylessSignerOptions, type KeylessStatementSigner } from './keyless';
export { keySigner, publicKeyHint, type KeySignerOptions, type KeyStatementSigner } from './key-signer';
export { GITHUB_ENDPOINTS, PUBLIC_GOOD_ENDPOINTS, resolveEndpoints, type EndpointChoice, type RepositoryVisibility, type SigstoreEndpoints } from './endpoints';
export { loadPrivateKey, type LoadedKey } from './private-key';
export { decryptCosignKey, encryptCosignKey, COSIGN_KEY_PEM_TYPES } from './cosign-key';
