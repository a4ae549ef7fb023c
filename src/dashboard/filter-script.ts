// The page's one script: on load and on every fragment change, show the record rows a figure's link
// names (`#f.<class>.<class>`: rows carrying all of them), one row (`#d<hash>`), all rows (`#all`)
// or none. It reads only fixed-format fragments and hashed class names, writes only textContent
// and `hidden`, and runs under a CSP that allows exactly this text (by its hash).
import { createHash } from 'node:crypto';
import { METRICS } from './filters';

const LABELS: Record<string, string> = Object.fromEntries(Object.values(METRICS).filter((m) => m.cls).map((m) => [m.cls, m.label]));

export const FILTER_SCRIPT = `(function () {
  var L = ${JSON.stringify(LABELS)};
  var rec = document.getElementById('records'), out = document.getElementById('flt');
  var rows = rec.querySelector('tbody').rows;
  function apply() {
    var h = location.hash.slice(1), want = null, one = null;
    if (h === 'all') want = [];
    else if (/^f(\\.[a-z][a-z0-9]*)+$/.test(h)) want = h.split('.').slice(1);
    else if (/^d[0-9a-f]+$/.test(h) && document.getElementById(h)) { want = []; one = h; }
    if (!want) { rec.classList.remove('on'); out.textContent = ''; return; }
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], ok = one ? r.id === one : true;
      for (var j = 0; ok && j < want.length; j++) ok = r.classList.contains(want[j]);
      r.hidden = !ok;
      if (ok) n++;
    }
    rec.classList.add('on');
    var what = [], a = want.length ? document.querySelector('a[href="#' + h + '"]') : null;
    for (var k = 0; k < want.length; k++) if (L[want[k]]) what.push(L[want[k]]);
    var cve = a && a.closest('tr[data-cve]'), g = a && a.closest('tr[data-dim]');
    if (cve) what.push('affected by ' + cve.getAttribute('data-cve'));
    if (g) what.push('in ' + g.getAttribute('data-dim') + ' ' + g.getAttribute('data-name'));
    out.textContent = one ? 'Showing one digest' : 'Showing ' + n.toLocaleString('en-US') + (n === 1 ? ' digest ' : ' digests ') + what.join(', ');
    (one ? document.getElementById(one) : rec).scrollIntoView();
  }
  addEventListener('hashchange', apply);
  apply();
})();`;

export const FILTER_SCRIPT_HASH = `sha256-${createHash('sha256').update(FILTER_SCRIPT).digest('base64')}`;
