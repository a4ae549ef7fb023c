import { UserError } from '../core/errors';
import { OCI_INDEX, OCI_MANIFEST } from './media-types';
import { parsePlatform, selectPlatform } from './platform';
import type { Descriptor, ImageIndex, Platform } from './types';

function entry(n: number, platform?: Platform): Descriptor {
  return { mediaType: OCI_MANIFEST, digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, size: n, platform };
}

const index: ImageIndex = {
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    entry(1, { os: 'linux', architecture: 'amd64' }),
    entry(2, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    entry(3, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry(4, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry(5, { os: 'unknown', architecture: 'unknown' }),
    entry(6),
  ],
};

describe('selectPlatform', () => {
  it('matches os/architecture', () => expect(selectPlatform(index, 'linux/amd64').size).toBe(1));
  it('treats arm64 and arm64/v8 as the same', () => {
    expect(selectPlatform(index, 'linux/arm64').size).toBe(2);
    expect(selectPlatform(index, 'linux/arm64/v8').size).toBe(2);
  });
  it('prefers the default variant when none is asked for', () => expect(selectPlatform(index, 'linux/arm').size).toBe(4));
  it('honours an explicit variant', () => expect(selectPlatform(index, 'linux/arm/v6').size).toBe(3));
  it('names what is available when nothing matches', () => {
    expect(() => selectPlatform(index, 'linux/s390x')).toThrow(UserError);
    expect(() => selectPlatform(index, 'linux/arm/v5')).toThrow(/no manifest for platform linux\/arm\/v5 \(it has: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v6, linux\/arm\/v7\)/);
  });
  it('rejects malformed platform strings', () => {
    expect(() => parsePlatform('amd64')).toThrow(/invalid platform 'amd64'/);
    expect(() => parsePlatform('linux/amd64/v1/x')).toThrow(UserError);
    expect(parsePlatform('Linux/AMD64')).toEqual({ os: 'linux', architecture: 'amd64' });
  });
});
