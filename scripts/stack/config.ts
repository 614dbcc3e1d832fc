// The configuration of `pnpm start`, read once. This and db/src/config.ts are the only places
// the supervisor looks at process.env.
//
// The root package depends on no workspace package, so service-kit's config helpers are
// imported by path (its index would also load Apollo Server, a second of every start).
import { badPortProblem } from '../../packages/service-kit/src/bad-ports.js';
import { booleanFlag, gatewaySecret, loadConfig, logLevel, port, withoutEmptyValues, z } from '../../packages/service-kit/src/config.js';
import { databaseSettings, seedSettings } from '../../db/src/config.js';
import { SUBGRAPH_DATABASES } from '../../db/src/subgraphs.js';

const SUBGRAPH_COUNT = SUBGRAPH_DATABASES.length;

/** Every setting of `pnpm start`, with its default. */
export const startConfigSchema = z
  .object({
    ...databaseSettings,
    ...seedSettings,
    /** The first gateway's port; further gateways take the next ones. 0: free ports. */
    GATEWAY_PORT: port(4000),
    /** The first subgraph's port; the others follow in SUBGRAPH_DATABASES order. 0: free ports. */
    SUBGRAPH_BASE_PORT: port(4001),
    /** How many gateway processes to run, on consecutive ports. */
    GATEWAY_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
    /**
     * `separate`: each subgraph in a process of its own, and the gateway(s) calling them over
     * HTTP. `single`: GATEWAY_PROCESSES processes, each running the gateway and all six
     * subgraphs, a plan's fetches executed in process (less CPU and memory in all, no isolation).
     */
    STACK_LAYOUT: z.enum(['separate', 'single']).default('separate'),
    /**
     * Whether the processes of the stack, all on this machine, talk over Unix-domain sockets
     * instead of loopback TCP: the gateway's fetches to the subgraphs (separate layout), and the
     * subgraphs to the embedded PostgreSQL. The ports are served all the same. Not on Windows.
     */
    STACK_SOCKETS: booleanFlag(true),
    /**
     * Each service's V8 old-space limit in MB (twice this for a process of the single layout).
     * A limit makes V8 collect before growing: the gateway stays near its working set (about
     * 175 MB under load) instead of drifting past 300 MB.
     */
    SERVICE_HEAP_MB: z.coerce.number().int().min(64).max(65536).default(384),
    /**
     * Further Node and V8 flags for every service process (gateways and subgraphs), separated by
     * spaces: those Node refuses in NODE_OPTIONS (such as garbage-collector settings) too.
     */
    SERVICE_NODE_FLAGS: z
      .string()
      .default('')
      .transform((flags) => flags.split(/\s+/).filter(Boolean))
      .refine((flags) => flags.every((flag) => /^--[a-z0-9][a-z0-9-]*(=[\w.,:-]+)?$/i.test(flag)), 'each flag is --name or --name=value'),
    /** What the gateway signs callers with for the subgraphs; unset: generated once and kept in DATA_DIR. */
    GATEWAY_SECRET: gatewaySecret().optional(),
    LOG_LEVEL: logLevel(),
  })
  .superRefine((config, ctx) => {
    const ranges: { name: string; first: number; last: number }[] = [];
    if (config.GATEWAY_PORT) ranges.push({ name: 'GATEWAY_PORT', first: config.GATEWAY_PORT, last: config.GATEWAY_PORT + config.GATEWAY_PROCESSES - 1 });
    if (config.SUBGRAPH_BASE_PORT && config.STACK_LAYOUT === 'separate') ranges.push({ name: 'SUBGRAPH_BASE_PORT', first: config.SUBGRAPH_BASE_PORT, last: config.SUBGRAPH_BASE_PORT + SUBGRAPH_COUNT - 1 });
    if (config.EMBEDDED_PG_PORT && !config.DATABASE_URL) ranges.push({ name: 'EMBEDDED_PG_PORT', first: config.EMBEDDED_PG_PORT, last: config.EMBEDDED_PG_PORT });
    for (const range of ranges) {
      if (range.last > 65535) ctx.addIssue({ code: 'custom', path: [range.name], message: `ports ${range.first}-${range.last} run past 65535` });
      // The first port is checked by port() itself; the ones after it here.
      if (range.name === 'EMBEDDED_PG_PORT') continue;
      for (let p = range.first + 1; p <= Math.min(range.last, 65535); p++) {
        const problem = badPortProblem(p);
        if (problem) ctx.addIssue({ code: 'custom', path: [range.name], message: `ports ${range.first}-${range.last} include ${p}, ${problem}` });
      }
    }
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const a = ranges[i]!;
        const b = ranges[j]!;
        if (a.first <= b.last && b.first <= a.last) {
          ctx.addIssue({ code: 'custom', path: [b.name], message: `ports ${b.first}-${b.last} overlap ${a.name}'s ${a.first}-${a.last}` });
        }
      }
    }
  });

export type StartConfig = z.output<typeof startConfigSchema>;

/** Reads and validates the environment; throws a ConfigError listing every problem. */
export function loadStartConfig(env: NodeJS.ProcessEnv = process.env): StartConfig {
  return loadConfig(startConfigSchema, withoutEmptyValues(env));
}

/**
 * The environment the children inherit: the supervisor's, less what is only the supervisor's
 * business (the admin connection, the subgraphs' URLs, the admin password) and what it sets
 * itself (GATEWAY_SECRET). Each child then gets its own settings on top.
 */
export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const secret = new Set(['DATABASE_URL', 'ADMIN_PASSWORD', 'GATEWAY_SECRET', ...SUBGRAPH_DATABASES.map((s) => s.urlVariable)]);
  return Object.fromEntries(Object.entries(env).filter(([name]) => !secret.has(name)));
}
