/**
 * Pinned releases of the external tools ship-image may download, with the SHA-256 of each release
 * archive. A download whose digest differs is refused (resolve-tool.ts). Pin by digest, not by tag:
 * release tags of security tools have been re-pointed at compromised builds before (trivy-action,
 * March 2026), and a checksums file from the same release proves nothing then.
 *
 * PROVENANCE OF THE DIGESTS BELOW: this machine has no internet access, so none of them was
 * computed here. They are the values a public third-party CI install script pins for these exact
 * assets; they are marked `verified: false` until someone downloads each asset, runs
 * `sha256sum`, and compares with the release's signed checksums (then set `verified: true`).
 * A wrong value fails safe: the download is refused, nothing unverified is run.
 */

export type PinnedTool = 'trivy' | 'grype' | 'syft';

/** `<os>-<arch>` in Node's names: `linux-x64`, `linux-arm64`, `darwin-arm64`, ... */
export type PlatformKey = string;

export interface ToolPin {
  version: string;
  /** The release asset URL for a platform; `{version}` and `{asset}` are filled in. */
  urlPattern: string;
  /** Asset file name per platform. */
  assets: Record<PlatformKey, string>;
  /** SHA-256 (hex) of each asset; a platform without one cannot be downloaded. */
  sha256: Record<PlatformKey, string>;
  /** True once the digests were checked against the release by a maintainer. */
  verified: boolean;
}

export const TOOL_PINS: Readonly<Record<PinnedTool, ToolPin>> = {
  trivy: {
    version: '0.69.3',
    urlPattern: 'https://github.com/aquasecurity/trivy/releases/download/v{version}/{asset}',
    assets: {
      'linux-x64': 'trivy_{version}_Linux-64bit.tar.gz',
      'linux-arm64': 'trivy_{version}_Linux-ARM64.tar.gz',
      'darwin-x64': 'trivy_{version}_macOS-64bit.tar.gz',
      'darwin-arm64': 'trivy_{version}_macOS-ARM64.tar.gz',
    },
    sha256: {
      'linux-x64': '1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75',
      'linux-arm64': '7e3924a974e912e57b4a99f65ece7931f8079584dae12eb7845024f97087bdfd',
      // darwin: no digest known; give trivy-path or a sha256 explicitly.
    },
    verified: false,
  },
  grype: {
    version: '0.87.0',
    urlPattern: 'https://github.com/anchore/grype/releases/download/v{version}/{asset}',
    assets: {
      'linux-x64': 'grype_{version}_linux_amd64.tar.gz',
      'linux-arm64': 'grype_{version}_linux_arm64.tar.gz',
      'darwin-x64': 'grype_{version}_darwin_amd64.tar.gz',
      'darwin-arm64': 'grype_{version}_darwin_arm64.tar.gz',
    },
    sha256: {
      'linux-x64': 'be710d15f5477e5c77ce03d14e480263415d7ab135e04b8483663f688823087d',
      'linux-arm64': '3c64dc19d0dab8a1ab30860c9f5167383088d009528054b3854c56aac3574948',
    },
    verified: false,
  },
  syft: {
    version: '1.4.1',
    urlPattern: 'https://github.com/anchore/syft/releases/download/v{version}/{asset}',
    assets: {
      'linux-x64': 'syft_{version}_linux_amd64.tar.gz',
      'linux-arm64': 'syft_{version}_linux_arm64.tar.gz',
      'darwin-x64': 'syft_{version}_darwin_amd64.tar.gz',
      'darwin-arm64': 'syft_{version}_darwin_arm64.tar.gz',
    },
    sha256: {
      'linux-x64': '5e4c6a0d1ca28d25e060a29c7cca0aedc50d951bfb270b45bc9a71e86ac6fbe2',
      'linux-arm64': 'a28d63bb2bca96092a1a42cd5afdd0787633ae05998935a5e6e2aac8f2e2ec44',
    },
    verified: false,
  },
};

export interface PinnedAsset {
  version: string;
  url: string;
  assetName: string;
  /** Undefined when no digest is known for this platform. */
  sha256?: string;
}

/** The release asset of `tool` for `platformKey`, undefined when the platform has no release. */
export function pinnedAsset(tool: PinnedTool, platformKey: PlatformKey, pins: Readonly<Record<PinnedTool, ToolPin>> = TOOL_PINS): PinnedAsset | undefined {
  const pin = pins[tool];
  const pattern = pin.assets[platformKey];
  if (!pattern) return undefined;
  const assetName = pattern.replace(/\{version\}/g, pin.version);
  const url = pin.urlPattern.replace(/\{version\}/g, pin.version).replace(/\{asset\}/g, assetName);
  return { version: pin.version, url, assetName, sha256: pin.sha256[platformKey] };
}
