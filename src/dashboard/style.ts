// The page's one stylesheet (inline: the file makes no requests). Record rows are hidden until the
// filter script shows some (without scripts, noscript shows them all).
export const STYLE = `
:root{--ok:#15803d;--bad:#b91c1c;--warn:#a16207;--line:#e5e7eb;--muted:#6b7280;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:#111827;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1240px;margin:0 auto;padding:20px 24px 48px}
header h1{font-size:22px;margin:0 0 4px}
.asof{margin:0;font-size:15px}.asof time{font-weight:700}
.scope{margin:4px 0 16px;color:#374151}.scope a{text-decoration:none}
h2{font-size:15px;margin:0 0 10px}h3{font-size:13px;margin:0 0 4px;color:#374151;font-weight:600}
small{color:var(--muted);font-weight:400}
a{color:inherit}
.row{display:flex;flex-wrap:wrap;gap:14px;margin-bottom:14px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.wide{margin-bottom:14px}
.gauge{flex:1 1 300px;display:flex;gap:14px;align-items:center}
.gauge p{margin:2px 0}.gauge b{font-size:16px}
.ring{width:84px;height:84px;flex:none}
.ring circle{fill:none;stroke-width:9}.ring .track{stroke:#eef0f3}.ring .arc{stroke-linecap:round}
.ring .pct{font:700 19px system-ui,sans-serif;text-anchor:middle;fill:#111827}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}
.tile{flex:0 1 130px;text-align:center}.tile .big{font-size:30px;font-weight:700;line-height:1.1}
.tile.ok .big{color:var(--ok)}.tile.bad .big{color:var(--bad)}.tile.warn .big{color:var(--warn)}
.tile h3{margin-top:4px}
.cves{flex:1 1 380px}
.sbar{display:flex;height:14px;border-radius:7px;overflow:hidden;margin:8px 0 10px;background:#eef0f3}
.chips{display:flex;gap:12px;flex-wrap:wrap}
.chip{display:flex;flex-direction:column;align-items:flex-start;min-width:70px}
.chip a,.chip span.z{font-size:20px;font-weight:700}
.sev{display:inline-block;white-space:nowrap;padding:0 6px;border-radius:4px;color:#fff;font-size:11px;text-transform:uppercase;letter-spacing:.03em}
.sev.critical{background:#b91c1c}.sev.high{background:#ea580c}.sev.medium{background:#ca8a04}.sev.low{background:#2563eb}.sev.unknown{background:#6b7280}
.charts .chartcard{flex:1 1 520px}
.chart{width:100%;height:auto;display:block}
.chart .gl{stroke:#eef0f3}.chart text{font:11px system-ui,sans-serif;fill:var(--muted)}
.chart .yl{text-anchor:end;dominant-baseline:middle}.chart .xl{text-anchor:middle}.chart .el{font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{font-size:12px;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line);white-space:nowrap}
table.g td{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.g tbody th{font-weight:500;max-width:420px;overflow-wrap:anywhere}
td.p{background:linear-gradient(90deg,#dcfce7 var(--p),#fee2e2 0);min-width:76px}
td.sk a{color:#b91c1c;font-weight:700}td.sh a{color:#ea580c;font-weight:700}td.ba a{color:var(--bad);font-weight:700}td.wa a{color:var(--warn);font-weight:700}
.z{color:#9ca3af}
details summary{cursor:pointer;color:#374151;margin:8px 0 4px}
.lists{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:14px;margin-bottom:14px}
table.l td{font-size:13px;overflow-wrap:anywhere}table.l code{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.dr{font-family:ui-monospace,monospace;font-size:12px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;padding:0 3px;border-radius:3px}
.cnt{font-size:15px}.cnt a,.cnt span{font-weight:700}
.none{color:var(--muted);margin:4px 0}
.warn.card{border-color:#fcd34d;background:#fffbeb}
#records tbody{display:none}#records.on tbody{display:table-row-group}#records.on .hint{display:none}
#records .hint{color:var(--muted)}
.flt{margin:0 0 8px;padding:0;font-weight:600;color:#1e3a8a}.flt:empty{display:none}#records.on .flt{padding:8px 12px;background:#eff6ff;border:1px solid #bfdbfe;border-radius:8px}
#records table{font-size:12.5px;background:#fff;table-layout:fixed}
#records th:nth-child(1){width:11em}#records th:nth-child(2){width:19%}#records th:nth-child(3){width:21%}#records th:nth-child(4),#records th:nth-child(5){width:4.2em}
#records th:nth-child(6){width:10.5em}#records th:nth-child(7){width:8em}#records th:nth-child(8){width:6.5em}
#records td{white-space:nowrap}#records td.dg{font:11.5px ui-monospace,monospace;overflow:hidden;text-overflow:ellipsis}#records td:nth-child(2),#records td:nth-child(3),#records td:last-child{white-space:normal;overflow-wrap:anywhere}
#records td.y{color:var(--ok)}#records td.n{color:var(--bad)}#records td.o{color:var(--warn)}
#records b{font-weight:600}#records b.k{color:#b91c1c}#records b.h{color:#ea580c}#records b.m{color:#a16207}#records b.l{color:#2563eb}
tr:target{background:#fef9c3}
footer{color:var(--muted);font-size:12px;margin-top:24px}
`;
