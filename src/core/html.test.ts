import { addSecret } from './log';
import { html, htmlId } from './html';

describe('html escaping', () => {
  test('markup and attribute breakouts become text', () => {
    expect(html('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html('"><img src=x onerror=alert(1)>')).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html("' onmouseover='x")).toBe('&#39; onmouseover=&#39;x');
    // A literal entity stays literal text, it is not decoded.
    expect(html('&lt;b&gt; &amp;')).toBe('&amp;lt;b&amp;gt; &amp;amp;');
  });

  test('bidi overrides, controls and line breaks are taken out first', () => {
    expect(html('ok\u202Egnp.exe\u202C\u0000\r\nnext\u001b[31m')).toBe('okgnp.exe next[31m');
  });

  test('caps the length and masks registered secrets', () => {
    expect(html('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}… (40 characters cut)`);
    addSecret('s3cr3t-html-token');
    expect(html('token=s3cr3t-html-token')).not.toContain('s3cr3t-html-token');
  });

  test('non-strings are printed', () => {
    expect(html(42)).toBe('42');
  });

  test('ids are hashes behind a letter, stable per key', () => {
    const id = htmlId('d', '"><script>');
    expect(id).toMatch(/^d[0-9a-f]{10}$/);
    expect(htmlId('d', '"><script>')).toBe(id);
    expect(htmlId('d', 'other')).not.toBe(id);
    expect(htmlId('g', 'x', 16)).toMatch(/^g[0-9a-f]{16}$/);
    expect(() => htmlId('1x', 'k')).toThrow();
    expect(() => htmlId('a"', 'k')).toThrow();
  });
});
