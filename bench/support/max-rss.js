// `node --require ./bench/support/max-rss.js ...`: on exit, writes this process's own peak resident
// set (process.resourceUsage().maxRSS, KiB; its child processes are not included) to $BENCH_MAX_RSS_FILE.
'use strict';
const fs = require('node:fs');

process.on('exit', () => {
  const file = process.env.BENCH_MAX_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
