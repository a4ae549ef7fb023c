import { addSecret } from './log';
import { mdCode, mdLink, mdText } from './markdown';

describe('markdown escaping', () => {
  test('text loses its markdown and HTML meaning', () => {
    expect(mdText('<img src=x onerror=alert(1)> [a](javascript:x) | cell **b**')).toBe(
      '&lt;img src=x onerror=alert(1)&gt; \\[a\\](javascript&#8203;:x) \\| cell \\*\\*b\\*\\*',
    );
    expect(mdText('- item')).toBe('\\- item');
    expect(mdText('1. item')).toBe('1\\. item');
  });

  test('code spans cannot be closed early nor split a table', () => {
    expect(mdCode('a`b|c\u001b[1m')).toBe("`a'b\\|c[1m`");
  });

  test('links only for https', () => {
    expect(mdLink('CVE-1', 'https://avd.aquasec.com/nvd/cve-1')).toBe('[CVE-1](https://avd.aquasec.com/nvd/cve-1)');
    expect(mdLink('CVE-1', 'javascript:alert(1)')).toBe('CVE-1');
    expect(mdLink('CVE-1', 'https://x/ (y)')).toBe('CVE-1');
  });

  test('mentions, issue references, autolinks and emoji shortcodes do not form', () => {
    expect(mdText('@octocat @org/team')).toBe('@&#8203;octocat @&#8203;org/team');
    expect(mdText('#123 and acme/app#7')).toBe('\\#&#8203;123 and acme/app\\#&#8203;7');
    expect(mdText('https://evil.example/x www.evil.example a@b.example :smile:')).toBe(
      'https&#8203;://evil.example/x w&#8203;ww.evil.example a@&#8203;b.example &#8203;:smile&#8203;:',
    );
    // The entities this inserts are not themselves escaped; a literal entity in the input is.
    expect(mdText('&#8203;')).toBe('&amp;\\#&#8203;8203;');
  });

  test('secrets are masked', () => {
    addSecret('canary-md-secret-00ff');
    expect(mdText('x canary-md-secret-00ff')).toBe('x \\*\\*\\*');
  });
});
