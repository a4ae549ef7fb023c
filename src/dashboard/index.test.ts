import { emptyState } from '../monitor/model';
import { renderDashboard } from './index';
import { historyFor, HOSTILE, largeSweep, realisticSweep } from '../../test/support/dashboard-fixture';

describe('renderDashboard', () => {
  test('hostile strings appear only escaped', () => {
    const sweep = realisticSweep();
    const page = renderDashboard(sweep, historyFor(sweep, 3));
    for (const s of [HOSTILE.script, HOSTILE.img, HOSTILE.svg, HOSTILE.style, HOSTILE.attr]) expect(page).not.toContain(s);
    expect(page).not.toContain('\u202E');
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page.match(/<style>/g)).toHaveLength(2); // the page's and the noscript one
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('an empty estate still renders', () => {
    const page = renderDashboard({ sweptAt: '2026-12-02T00:00:00Z', records: [], findings: [], opened: [], resolved: [], notes: [] }, emptyState());
    expect(page).toContain('<b>0</b> running digests');
    expect(page).toContain('<h2>Signature failures <span class="cnt ok"><span class="z" data-m="signature-failure" data-n="0">0</span></span></h2>');
    expect(page).toContain('vulnerability DB <b id="db">unknown</b>');
  });

  test('size grows linearly with the estate', () => {
    const size = (n: number) => renderDashboard(largeSweep(n), emptyState()).length;
    const [a, b, c] = [size(500), size(1500), size(2500)];
    // Bytes per added digest stay the same from 500 to 2,500 digests, and small.
    const perDigest = [(b - a) / 1000, (c - b) / 1000];
    expect(perDigest[1]! / perDigest[0]!).toBeGreaterThan(0.85);
    expect(perDigest[1]! / perDigest[0]!).toBeLessThan(1.15);
    expect(perDigest[1]).toBeLessThan(700);
  });
});
