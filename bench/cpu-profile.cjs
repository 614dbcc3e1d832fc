// CPU profiles of chosen stack processes during a benchmark's measured window, loaded with
// NODE_OPTIONS="--require bench/cpu-profile.cjs" (NODE_OPTIONS does not take --cpu-prof).
//   CPU_PROFILE_DIR    where the profiles go (unset: this file does nothing)
//   CPU_PROFILE_MATCH  a regular expression on the script path; only matching processes profile
// The first SIGUSR2 starts the profiler, the next writes <dir>/<name>-<pid>-<n>.cpuprofile
// (open it in Chrome DevTools or read it with bench/profile-summary.ts). Profiling only the
// window keeps start-up and connection set-up out of the figures.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { watchedProcess } = require('./stack-process.cjs');

const watched = watchedProcess('CPU_PROFILE_DIR', 'CPU_PROFILE_MATCH');
if (watched) {
  const { dir, name } = watched;
  const session = new Session();
  session.connect();
  let running = false;
  let written = 0;
  const stop = () => {
    if (!running) return;
    running = false;
    // An in-process session answers synchronously: this also works from the 'exit' handler.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}-${process.pid}-${++written}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (running) return stop();
    session.post('Profiler.enable', () => {
      // 1 ms between samples: enough detail for a 20 s window, little overhead.
      session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => {
        session.post('Profiler.start', () => (running = true));
      });
    });
  });
  process.on('exit', stop);
}
