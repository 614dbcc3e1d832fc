// Which stack process the preloads (cpu-profile.cjs, gc-log.cjs) run in, and whether it is one
// they were asked to watch.
'use strict';

/**
 * The short name of this process (gateway, community, single-process, ...) when its script path
 * matches the regular expression in `process.env[matchVariable]` and `process.env[dirVariable]`
 * is set; otherwise null, and the preload does nothing.
 */
function watchedProcess(dirVariable, matchVariable) {
  const dir = process.env[dirVariable];
  const match = process.env[matchVariable];
  const script = process.argv[1] ?? '';
  if (!dir || !match || !new RegExp(match).test(script)) return null;
  const name = /(gateway|subgraphs\/[a-z-]+|single-process)\//.exec(script)?.[1]?.replace('subgraphs/', '') ?? 'node';
  return { dir, name };
}

module.exports = { watchedProcess };
