declare const __non_webpack_require__: NodeRequire | undefined;

/**
 * `require` that the bundler leaves alone: inside an ncc bundle it loads the separately bundled
 * file at runtime; from sources (tests) it is the ordinary require.
 */
export function loadModule(id: string): unknown {
  const runtimeRequire = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;
  return runtimeRequire(id);
}
