// Public surface of the policy module (what `verify` and the CLI use).
export { loadPolicy, parsePolicy } from './load';
export { evaluate } from './evaluate';
export { imageMatchesGlobs } from './glob';
export { publicKeyId, signerAllowed, identityMatches, describeSigner } from './signer';
export { renderPolicy, renderServed, toYaml, ENGINES, SERVED_ENGINES, type Engine, type Rendered, type ServedEngine } from './render';
export type * from './types';
