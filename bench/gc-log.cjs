// Garbage-collection pauses and event-loop stalls of chosen stack processes during a benchmark,
// loaded with NODE_OPTIONS="--require bench/gc-log.cjs".
//   GC_LOG_DIR    where the logs go (unset: this file does nothing)
//   GC_LOG_MATCH  a regular expression on the script path; only matching processes log
// Each process writes <dir>/<name>-<pid>.gc.json when it exits: every pause of 5 ms or more
// (kind, start in ms since the process began, duration), the totals per kind, and each second
// whose event loop stalled 20 ms or more. bench/chat-subscriptions.ts reads them (--gc-log).
'use strict';
const { PerformanceObserver, monitorEventLoopDelay, performance, constants } = require('node:perf_hooks');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { watchedProcess } = require('./stack-process.cjs');

const watched = watchedProcess('GC_LOG_DIR', 'GC_LOG_MATCH');
if (watched) {
  const { dir, name } = watched;
  const KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  const totals = {};
  const pauses = [];
  const stalls = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = KINDS[entry.detail?.kind] ?? String(entry.detail?.kind);
      const total = (totals[kind] ??= { count: 0, ms: 0, maxMs: 0 });
      total.count += 1;
      total.ms += entry.duration;
      total.maxMs = Math.max(total.maxMs, entry.duration);
      if (entry.duration >= 5) pauses.push({ kind, atMs: Math.round(entry.startTime), ms: Math.round(entry.duration * 10) / 10 });
    }
  }).observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  setInterval(() => {
    const maxMs = delay.max / 1e6;
    if (maxMs >= 20) stalls.push({ atMs: Math.round(performance.now()), maxMs: Math.round(maxMs) });
    delay.reset();
  }, 1_000).unref();
  process.on('exit', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}-${process.pid}.gc.json`), JSON.stringify({ name, pid: process.pid, timeOrigin: performance.timeOrigin, totals, pauses, stalls }, null, 1));
  });
}
