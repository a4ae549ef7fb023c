import { Metrics } from './metrics';

test('Prometheus text format: HELP, TYPE, labels escaped, histogram buckets cumulative', () => {
  const m = new Metrics();
  m.inc('x_total', 'Xs', { a: 'say "hi"\n' });
  m.inc('x_total', 'Xs', { a: 'say "hi"\n' }, 2);
  m.observe('t_seconds', 'T', 0.003);
  m.observe('t_seconds', 'T', 20);
  m.sample('g', 'G', () => 7);
  const text = m.render();
  expect(text).toContain('# HELP x_total Xs\n# TYPE x_total counter\nx_total{a="say \\"hi\\"\\n"} 3\n');
  expect(text).toContain('t_seconds_bucket{le="0.0025"} 0\nt_seconds_bucket{le="0.005"} 1\n');
  expect(text).toContain('t_seconds_bucket{le="+Inf"} 2\nt_seconds_sum 20.003\nt_seconds_count 2\n');
  expect(text).toContain('# TYPE g gauge\ng 7\n');
});
