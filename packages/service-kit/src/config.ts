import { z } from 'zod';
import { badPortReason } from './bad-ports.js';
import { DEFAULT_MIN_GROUP_SIZE } from './figures.js';

/** Thrown when the environment does not describe a valid configuration; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates configuration once, at start-up. Every problem is reported together,
 * and the result is frozen so nothing can change it later. Only config modules call this;
 * no other code reads `process.env`.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return Object.freeze(result.data);
}

/**
 * Drops variables that are unset or set to the empty string, so that `DATABASE_URL=` in a `.env`
 * file or `${VAR:-}` in compose means "unset" (the default applies) rather than "invalid".
 */
export function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

/** A TCP port clients can reach (not one of the Fetch standard's bad ports); 0 asks the system for a free one. */
export const port = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .superRefine((value, ctx) => {
      const reason = badPortReason(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    })
    .default(fallback);

/** A PostgreSQL connection string. */
export const postgresUrl = () =>
  z.string().refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL');

/** "true"/"1"/"yes" and "false"/"0"/"no". */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** The secret the gateway signs callers with: at least 32 characters. */
export const gatewaySecret = () => z.string().min(32, 'must be at least 32 characters');

export const logLevel = () => z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info');

export { z };

/** The settings every subgraph process reads. */
export function subgraphConfigSchema(defaultPort: number) {
  return z.object({
    PORT: port(defaultPort),
    HOST: z.string().default('0.0.0.0'),
    /** A Unix-domain socket to serve on as well as PORT, for a gateway on the same machine (an absolute path). */
    SOCKET_PATH: z.string().startsWith('/', 'must be an absolute path').max(100, 'must be at most 100 characters (a Unix socket path is limited)').optional(),
    DATABASE_URL: postgresUrl(),
    /** Shared with the gateway, which signs each request's caller with it. */
    GATEWAY_SECRET: gatewaySecret(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** Most list items one request's answer may hold (every list field together). */
    MAX_ANSWER_ITEMS: z.coerce.number().int().min(100).default(50_000),
    /** Share of V8's heap limit above which requests still building large answers are ended. */
    MEMORY_CEILING_PERCENT: z.coerce.number().int().min(10).max(100).default(80),
    LOG_LEVEL: logLevel(),
    /** The fewest distinct users a bucket of an analyst figure may count and still be shown (privacy). */
    MIN_GROUP_SIZE: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MIN_GROUP_SIZE),
    ...metricsConfigShape(),
    ...shutdownSettingsShape(),
  });
}

/**
 * ANALYTICS_READ_DATABASE_URL, for the subgraphs that serve analyst figures: a read replica of
 * the subgraph's database, as its own role, for those figures' reads. Unset: they read from
 * DATABASE_URL.
 */
export function analyticsReadConfigShape() {
  return {
    ANALYTICS_READ_DATABASE_URL: postgresUrl().optional(),
  };
}

/** The user a postgres:// URL connects as, or null when it names none or does not parse. */
function urlUser(value: string): string | null {
  try {
    return decodeURIComponent(new URL(value).username) || null;
  } catch {
    return null;
  }
}

/**
 * With ANALYTICS_READ_DATABASE_URL set: it connects as DATABASE_URL's role, which a replica of
 * the database has too and whose rights (its own schema only) and statement timeout hold there.
 */
export function checkAnalyticsReadRole(settings: { DATABASE_URL: string; ANALYTICS_READ_DATABASE_URL?: string | undefined }, ctx: z.RefinementCtx): void {
  if (settings.ANALYTICS_READ_DATABASE_URL === undefined) return;
  const role = urlUser(settings.DATABASE_URL);
  if (role !== null && urlUser(settings.ANALYTICS_READ_DATABASE_URL) !== role) {
    ctx.addIssue({ code: 'custom', path: ['ANALYTICS_READ_DATABASE_URL'], message: `must connect as DATABASE_URL's role (${role})` });
  }
}

/** Where /metrics is served: METRICS_PORT, a port of its own (unset: the service's port), and METRICS_TOKEN, a bearer token it then asks for. */
export function metricsConfigShape() {
  return {
    // Unset stays unset (port() alone would default it).
    METRICS_PORT: z.union([z.undefined(), port(0)]),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  };
}

/** The shutdown settings every process reads (gateway and subgraphs): see graceful-shutdown.ts. */
export function shutdownSettingsShape() {
  return {
    /** Longest wait for requests in flight once a stop began (then they are cut). */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** How long a stopping process still accepts connections while its readiness answers 503. */
    SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  };
}
export type SubgraphConfig = z.output<ReturnType<typeof subgraphConfigSchema>>;
