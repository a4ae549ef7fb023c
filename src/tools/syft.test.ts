import { UserError } from '../core/errors';
import { parseSyftVersion, syftSbomCommand } from './syft';

describe('syft', () => {
  it('builds an SBOM command for an OCI layout', () => {
    expect(syftSbomCommand({ image: { kind: 'oci-layout', dir: '/l' }, format: 'cyclonedx', outputPath: '/o.json', platform: 'linux/arm64' })).toEqual({
      args: ['scan', 'oci-dir:/l', '--output', 'cyclonedx-json=/o.json', '--quiet', '--platform', 'linux/arm64'],
      env: { SYFT_CHECK_FOR_APP_UPDATE: 'false' },
    });
  });

  it('builds a registry SBOM command with credentials in the environment', () => {
    const cmd = syftSbomCommand({ image: { kind: 'registry', ref: 'ghcr.io/acme/api@sha256:' + 'a'.repeat(64), username: 'u', password: 'tok3n-secret' }, format: 'spdx', outputPath: '/o' });
    expect(cmd.args).toEqual(['scan', 'registry:ghcr.io/acme/api@sha256:' + 'a'.repeat(64), '--output', 'spdx-json=/o', '--quiet']);
    expect(cmd.env).toEqual({ SYFT_CHECK_FOR_APP_UPDATE: 'false', SYFT_REGISTRY_AUTH_AUTHORITY: 'ghcr.io', SYFT_REGISTRY_AUTH_USERNAME: 'u', SYFT_REGISTRY_AUTH_PASSWORD: 'tok3n-secret' });
    expect(() => syftSbomCommand({ image: { kind: 'registry', ref: 'x/y', password: 'p' }, format: 'spdx', outputPath: '/o' })).toThrow(UserError);
  });

  it('parses the version output', () => {
    expect(parseSyftVersion('{"application":"syft","version":"1.4.1"}')).toBe('1.4.1');
  });
});
