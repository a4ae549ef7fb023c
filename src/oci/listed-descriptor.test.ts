import { checkListedDescriptors } from './listed-descriptor';

const good = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 10, artifactType: 'application/vnd.x+json' };

describe('checkListedDescriptors', () => {
  it('keeps well-formed descriptors and notes each malformed one', () => {
    const listed = [
      good,
      { ...good, digest: 'sha256:../../x' },
      { ...good, mediaType: 'no slash' },
      { ...good, size: 1.5 },
      { ...good, artifactType: 7 },
      { ...good, annotations: { a: 1 } },
      null,
    ];
    const { descriptors, skipped } = checkListedDescriptors(listed, 'reg/repo: the referrers of X');
    expect(descriptors).toEqual([good]);
    expect(skipped.map((s) => s.replace(/^reg\/repo: the referrers of X lists a malformed descriptor \((.*)\); skipped it$/, '$1'))).toEqual([
      "digest 'sha256:../../x' is not sha256:<64 hex> or sha512:<128 hex>",
      `${good.digest}: mediaType 'no slash' is not a media type`,
      `${good.digest}: size '1.5' is not a byte count`,
      `${good.digest}: artifactType '7' is not a media type`,
      `${good.digest}: annotations are not a map of strings`,
      'not an object',
    ]);
  });

  it('shows untrusted values clipped and without control characters', () => {
    const { skipped } = checkListedDescriptors([{ ...good, digest: `\u001b]0;owned\u0007${'z'.repeat(200)}` }], 'w');
    expect(skipped[0]).toContain("digest '?]0;owned?zzz");
    expect(skipped[0]).toContain('…');
    expect(skipped[0]!.length).toBeLessThan(200);
  });
});
