import { compareScans } from './compare';
import { gate } from './gate';
import { vuln } from './testdata';

const base = [vuln('CVE-1', 'libssl3', '3.0.11-1', 'HIGH', '3.0.11-2'), vuln('CVE-2', 'zlib1g', '1.2.13', 'CRITICAL'), vuln('CVE-3', 'lodash', '4.17.11', 'CRITICAL', '4.17.12')];
const head = [
  vuln('CVE-1', 'libssl3', '3.0.11-1', 'HIGH', '3.0.11-2'), // unchanged
  vuln('CVE-2', 'zlib1g', '1.2.13', 'CRITICAL'), // unchanged
  vuln('CVE-3', 'lodash', '4.17.20', 'CRITICAL', '4.17.21'), // same id and package, another version: new (and the old one fixed)
  vuln('CVE-4', 'minimist', '1.2.5', 'HIGH'), // new, no fix
  vuln('CVE-4', 'minimist', '1.2.5', 'HIGH'), // duplicate, counted once
  vuln('CVE-5', 'libc6', '2.36', 'MEDIUM', '2.37'),
];

describe('head against base', () => {
  test('matched by id, package and installed version', () => {
    const c = compareScans(head, base);
    expect(c.counts).toEqual({ critical: 2, high: 2, medium: 1, low: 0, unknown: 0 });
    expect(c.baseCounts).toEqual({ critical: 2, high: 1, medium: 0, low: 0, unknown: 0 });
    expect(c.new.map((v) => `${v.id} ${v.installedVersion}`)).toEqual(['CVE-3 4.17.20', 'CVE-4 1.2.5', 'CVE-5 2.36']);
    expect(c.fixed.map((v) => `${v.id} ${v.installedVersion}`)).toEqual(['CVE-3 4.17.11']);
    expect(c.unchanged).toBe(2);
  });

  test('no base: compared with nothing, every finding is new', () => {
    const c = compareScans(head);
    expect(c.baseCounts).toBeUndefined();
    expect(c.new).toHaveLength(5);
    expect(c.fixed).toEqual([]);
    expect(c.unchanged).toBe(0);
  });
});

describe('the gate', () => {
  const c = compareScans(head, base);
  test('fail-on-new looks only at what the change adds', () => {
    expect(gate(c, head, { failOnNew: 'critical', failOn: 'none', fixableOnly: false })).toMatchObject({ passed: false, reason: '1 new finding(s) at or above critical (fail-on-new)' });
    expect(gate(compareScans(base, base), base, { failOnNew: 'low', failOn: 'none', fixableOnly: false })).toEqual({ passed: true, offenders: [], reason: 'no new finding at or above low' });
  });
  test('fixable only: a new HIGH without a fix does not fail', () => {
    const r = gate(c, head, { failOnNew: 'high', failOn: 'none', fixableOnly: true });
    expect(r.offenders.map((v) => v.id)).toEqual(['CVE-3']);
    const noFix = compareScans([vuln('CVE-9', 'p', '1', 'CRITICAL')], []);
    expect(gate(noFix, [vuln('CVE-9', 'p', '1', 'CRITICAL')], { failOnNew: 'high', failOn: 'none', fixableOnly: true }).passed).toBe(true);
  });
  test('totals, as ship fail-on', () => {
    const same = compareScans(base, base);
    expect(gate(same, base, { failOnNew: 'critical', failOn: 'critical', fixableOnly: false })).toMatchObject({ passed: false, reason: '2 finding(s) at or above critical (fail-on)' });
    expect(gate(same, base, { failOnNew: 'none', failOn: 'none', fixableOnly: false })).toMatchObject({ passed: true, reason: 'no gate set' });
  });
});
