import { formatReport, formatValue, isBenchmarkSource, parseRows, selectBenchmarks, type Machine } from './table';

const MACHINE: Machine = { cpu: 'Test CPU @ 2.0GHz', cores: 2, memoryBytes: 8 * 2 ** 30, node: 'v20.19.0', os: 'Linux 6.1', load: 1.5 };

describe('parseRows', () => {
  test('keeps BENCH-ROW lines, leaves the report alone, and names malformed rows', () => {
    const out = [
      'ship benchmark: fixture image',
      'BENCH-ROW {"name":"ship ÷ sbom, minbase","value":1.04,"unit":"×","target":"≤ 1.10","met":true}',
      'BENCH-ROW {"name":"verify warm p50","value":12.3,"unit":"ms"}',
      'BENCH-ROW {not json',
      'BENCH-ROW {"name":"x","value":"12","unit":"ms"}',
      '  BENCH-ROW {"name":"indented","value":1,"unit":"ms"}',
    ].join('\n');
    const { rows, malformed } = parseRows(out);
    expect(rows).toEqual([
      { name: 'ship ÷ sbom, minbase', value: 1.04, unit: '×', target: '≤ 1.10', met: true },
      { name: 'verify warm p50', value: 12.3, unit: 'ms' },
    ]);
    expect(malformed).toHaveLength(2);
  });
});

describe('formatValue', () => {
  test.each([
    [1.0449, '×', '1.04×'],
    [12.345, 'ms', '12.3 ms'],
    [1234.6, 'ms', '1,235 ms'],
    [0, 'bytes', '0 bytes'],
    [27, 'requests', '27 requests'],
    [287.4, 'MB', '287 MB'],
  ])('%p %s -> %s', (value, unit, shown) => {
    expect(formatValue(value, unit)).toBe(shown);
  });
});

describe('formatReport', () => {
  test('machine and command above one table; verdicts, failures and a count of targets met', () => {
    const report = formatReport({
      machine: MACHINE,
      command: 'BENCH_RUNS=3 npm run bench',
      date: new Date('2026-12-02T02:00:00Z'),
      results: [
        {
          bench: 'ship',
          exitCode: 0,
          seconds: 100,
          malformed: [],
          rows: [
            { name: 'ship (keyless) ÷ trivy SBOM alone, minbase', value: 1.2, unit: '×', target: '≤ 1.10', met: false },
            { name: 'registry round trips per ship, minbase', value: 31, unit: 'requests' },
          ],
        },
        { bench: 'verify', exitCode: 0, seconds: 20, malformed: [], rows: [{ name: 'verify warm p50', value: 11, unit: 'ms', target: '≤ 30 ms', met: true }] },
        { bench: 'serve', exitCode: 1, seconds: 3, malformed: ['BENCH-ROW {'], rows: [] },
      ],
    });
    const lines = report.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Machine: Test CPU .*2.0GHz, 2 cores, 8.0 GiB memory, Linux 6.1, node v20.19.0/);
    expect(lines[2]).toBe('Command: `BENCH_RUNS=3 npm run bench` (2026-12-02 02:00 UTC)');
    expect(lines).toContain('| ship | ship (keyless) ÷ trivy SBOM alone, minbase | 1.20× | ≤ 1.10 | **MISSED** |');
    expect(lines).toContain('| ship | registry round trips per ship, minbase | 31 requests |  |  |');
    expect(lines).toContain('| verify | verify warm p50 | 11 ms | ≤ 30 ms | met |');
    expect(lines.some((l) => l.startsWith('| serve | did not finish (exit 1') && l.endsWith('**FAILED** |'))).toBe(true);
    expect(lines.some((l) => l.startsWith('| serve | malformed row'))).toBe(true);
    expect(lines.at(-1)).toBe('1 of 2 targets met; 3 benchmarks, 123 s in all.');
  });

  test('a row name cannot add table cells or markup', () => {
    const report = formatReport({
      machine: MACHINE,
      command: 'npm run bench',
      date: new Date(0),
      results: [{ bench: 'x', exitCode: 0, seconds: 1, malformed: [], rows: [{ name: 'a | b <img>', value: 1, unit: 'ms' }] }],
    });
    const row = report.split('\n').find((l) => l.startsWith('| x |'))!;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
    expect(row).not.toContain('<img>');
  });
});

describe('selectBenchmarks and isBenchmarkSource', () => {
  test('BENCH_ONLY picks by name, keeps the found order, refuses unknown names', () => {
    expect(selectBenchmarks(['monitor', 'serve', 'ship', 'verify'], undefined)).toEqual(['monitor', 'serve', 'ship', 'verify']);
    expect(selectBenchmarks(['monitor', 'serve', 'ship', 'verify'], 'verify, ship.ts')).toEqual(['ship', 'verify']);
    expect(() => selectBenchmarks(['ship'], 'shp')).toThrow(/shp, not a benchmark; benchmarks: ship/);
  });

  test('a benchmark is a source that prints rows', () => {
    expect(isBenchmarkSource(`import { printRow } from './support/rows';`)).toBe(true);
    expect(isBenchmarkSource(`import { fetchIdToken } from './oidc-token';`)).toBe(false);
  });
});
