import { badPortReason, booleanFlag, gatewaySecret, loadConfig, logLevel, metricsConfigShape, port, shutdownSettingsShape, z } from '@academy/service-kit';
import { fileURLToPath } from 'node:url';
import type { ThrottleSettings } from './abuse/throttles.js';
import { parseTrustedProxies } from './client-address.js';
import { DEVELOPMENT_ORIGINS, parseOriginPatterns } from './cors.js';
import { readManifest, type PersistedOperationSettings } from './persisted-operations.js';

/** A subgraph's http(s) URL, on a port the gateway's fetch will connect to. */
const url = (fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .superRefine((value, ctx) => {
      // Runs after a failed URL check too: only a URL has a port to look at.
      const reason = URL.canParse(value) ? badPortReason(Number(new URL(value).port)) : null;
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    })
    .default(fallback);
/** "true" or "false", or unset: then the profile (NODE_ENV) decides. */
const optionalFlag = () => z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true'));

/** Admits every operation of the README, the tests and the benchmarks (gateway/test/operation-admission.test.ts). */
export const DEFAULT_MAX_OPERATION_COST = 10_000;

const socketPath = () => z.string().startsWith('/', 'must be an absolute path').optional();
const limit = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);
const windowSeconds = (fallback: number) => z.coerce.number().int().min(1).max(86_400).default(fallback);

/** The gateway's settings, validated once at start-up; every problem is listed together. */
export const gatewayConfigSchema = z.object({
  PORT: port(4000),
  HOST: z.string().default('0.0.0.0'),
  SUPERGRAPH_PATH: z.string().default(fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url))),
  IDENTITY_URL: url('http://127.0.0.1:4001/graphql'),
  LEARNING_URL: url('http://127.0.0.1:4002/graphql'),
  SCHEDULING_URL: url('http://127.0.0.1:4003/graphql'),
  COMMERCE_URL: url('http://127.0.0.1:4004/graphql'),
  COMMUNITY_URL: url('http://127.0.0.1:4005/graphql'),
  AI_ANALYTICS_URL: url('http://127.0.0.1:4006/graphql'),
  /**
   * A subgraph's Unix-domain socket (the subgraph's SOCKET_PATH), when it runs on this machine:
   * its fetches go there, without the loopback TCP stack, instead of to its URL's host and port
   * (the URL still names the path).
   */
  IDENTITY_SOCKET: socketPath(),
  LEARNING_SOCKET: socketPath(),
  SCHEDULING_SOCKET: socketPath(),
  COMMERCE_SOCKET: socketPath(),
  COMMUNITY_SOCKET: socketPath(),
  AI_ANALYTICS_SOCKET: socketPath(),
  /** Keep-alive connections per subgraph. */
  /** Shared with every subgraph: the gateway signs each request's caller with it. */
  GATEWAY_SECRET: gatewaySecret(),
  /** A subgraph's own secret, when it does not share GATEWAY_SECRET (set the subgraph's GATEWAY_SECRET to the same). */
  IDENTITY_GATEWAY_SECRET: gatewaySecret().optional(),
  LEARNING_GATEWAY_SECRET: gatewaySecret().optional(),
  SCHEDULING_GATEWAY_SECRET: gatewaySecret().optional(),
  COMMERCE_GATEWAY_SECRET: gatewaySecret().optional(),
  COMMUNITY_GATEWAY_SECRET: gatewaySecret().optional(),
  AI_ANALYTICS_GATEWAY_SECRET: gatewaySecret().optional(),
  /** Access tokens must name this issuer and audience (as identity issues them). */
  JWT_ISSUER: z.string().min(1).default('academy-supergraph'),
  JWT_AUDIENCE: z.string().min(1).default('academy-api'),
  /** Identity's public keys; default: /.well-known/jwks.json beside IDENTITY_URL. */
  JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Which proxies may report the client's address in X-Forwarded-For (see parseTrustedProxies). */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const proxies = parseTrustedProxies(value);
      if (proxies) return proxies;
      ctx.addIssue({ code: 'custom', message: 'must be false, true, a number of proxies (0-99) or a comma-separated list of addresses and CIDR ranges' });
      return z.NEVER;
    }),
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Send the fetches to one subgraph made in the same turn of the event loop as one request. */
  SUBGRAPH_BATCHING: booleanFlag(true),
  /** SHUTDOWN_TIMEOUT_MS and SHUTDOWN_DELAY_MS, as every process reads them. */
  ...shutdownSettingsShape(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  /** Serve the playground (GraphiQL, bundled: gateway/playground) on GET /graphql in a browser; default: not in production. */
  PLAYGROUND: optionalFlag(),
  /** Answer introspection (`__schema`, `__type`); default: not in production. */
  INTROSPECTION: optionalFlag(),
  /** Operation limits, checked before planning (HTTP and WebSocket): see README "Limits and production settings". */
  MAX_OPERATION_COST: z.coerce.number().int().min(1).default(DEFAULT_MAX_OPERATION_COST),
  MAX_OPERATION_DEPTH: z.coerce.number().int().min(1).max(1000).default(15),
  MAX_OPERATION_ALIASES: z.coerce.number().int().min(0).max(10_000).default(15),
  MAX_OPERATION_DIRECTIVES: z.coerce.number().int().min(0).max(10_000).default(50),
  MAX_OPERATION_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(1000),
  /** WebSocket (graphql-transport-ws) limits: time to send connection_init, subscriptions per socket, sockets per user, largest message. */
  WS_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(100),
  WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(10),
  WS_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  WS_KEEPALIVE_MS: z.coerce.number().int().min(0).max(600_000).default(12_000),
  /**
   * Sockets acknowledged without an access token, per client address and in all (per gateway
   * process). Every subscription needs a signed-in user, so an anonymous socket only waits for
   * one: a shared address (an office, a classroom) gets room for many, a flood does not.
   */
  WS_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  WS_MAX_ANONYMOUS_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  /** An anonymous socket running no subscription for this long is closed. */
  WS_ANONYMOUS_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Unsent output past which a client that is not keeping up is disconnected (it resumes by sequence). */
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
  /**
   * Throttles of the mutations that are cheap to send and costly to serve: calls per client
   * address and per e-mail address in a fixed window (aliases count one by one).
   */
  THROTTLE_SIGN_UP_PER_ADDRESS: limit(10),
  THROTTLE_SIGN_UP_PER_EMAIL: limit(5),
  THROTTLE_SIGN_UP_WINDOW_SECONDS: windowSeconds(600),
  THROTTLE_LOG_IN_PER_ADDRESS: limit(100),
  THROTTLE_LOG_IN_PER_EMAIL: limit(10),
  THROTTLE_LOG_IN_WINDOW_SECONDS: windowSeconds(900),
  THROTTLE_PASSWORD_RESET_PER_ADDRESS: limit(20),
  THROTTLE_PASSWORD_RESET_PER_EMAIL: limit(5),
  THROTTLE_PASSWORD_RESET_WINDOW_SECONDS: windowSeconds(3600),
  /** Analytics events (trackEvents) from callers who are not signed in, per client address. */
  THROTTLE_ANONYMOUS_EVENTS_PER_ADDRESS: limit(600),
  THROTTLE_ANONYMOUS_EVENTS_WINDOW_SECONDS: windowSeconds(60),
  /** Which operations run by hash, and whether others run at all: see README "Persisted operations". */
  PERSISTED_OPERATIONS: z.enum(['off', 'allow', 'require']).default('off'),
  /** The manifest (graphql-codegen's persisted-documents.json, SHA-256 keys), read and checked at start. */
  PERSISTED_OPERATIONS_MANIFEST: z
    .string()
    .min(1)
    .optional()
    .transform((path, ctx) => {
      if (path === undefined) return undefined;
      const read = readManifest(path);
      if ('manifest' in read) return read.manifest;
      for (const problem of read.problems) ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }),
  /** Bytes of documents registered by automatic persisted queries kept in memory (least recently used leave first). */
  PERSISTED_QUERIES_CACHE_BYTES: z.coerce.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Partner clients' token requests (POST /oauth/token), per client address and per client id. */
  THROTTLE_PARTNER_TOKEN_PER_ADDRESS: limit(60),
  THROTTLE_PARTNER_TOKEN_PER_CLIENT: limit(20),
  THROTTLE_PARTNER_TOKEN_WINDOW_SECONDS: windowSeconds(60),
  /** Share the throttles' counters and the automatic persisted queries between gateway processes; unset: each process alone. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /**
   * `production`: no introspection, no playground, no suggestions or subgraph names in errors
   * (unless turned on above), no CORS origin by default. Any other value is development.
   */
  NODE_ENV: z.string().default('development'),
  /** Origins of browser apps allowed to call the API (comma-separated, `*` for any labels or port); default: see corsOrigins. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const patterns = parseOriginPatterns(value);
      if (patterns) return patterns;
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of origins such as https://app.example.com or http://localhost:*' });
      return z.NEVER;
    }),
  LOG_LEVEL: logLevel(),
  ...metricsConfigShape(),
  /** Distinct operation names (besides the manifest's) that get series of their own; later ones count as "other". */
  METRICS_OPERATION_NAMES: z.coerce.number().int().min(0).max(10_000).default(200),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** Settings one variable cannot check alone. */
const gatewayConfigChecks = gatewayConfigSchema.superRefine((config, ctx) => {
  if (config.PERSISTED_OPERATIONS !== 'off' && config.PERSISTED_OPERATIONS_MANIFEST === undefined) {
    ctx.addIssue({ code: 'custom', path: ['PERSISTED_OPERATIONS_MANIFEST'], message: `required when PERSISTED_OPERATIONS is ${config.PERSISTED_OPERATIONS}` });
  }
});

export const loadGatewayConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(gatewayConfigChecks, env);

/** Subgraph name → URL, from the configuration. */
export function subgraphUrls(config: GatewayConfig): Record<string, string> {
  return {
    identity: config.IDENTITY_URL,
    learning: config.LEARNING_URL,
    scheduling: config.SCHEDULING_URL,
    commerce: config.COMMERCE_URL,
    community: config.COMMUNITY_URL,
    'ai-analytics': config.AI_ANALYTICS_URL,
  };
}

/** A subgraph URL's origin → the Unix-domain socket its fetches go to, for the subgraphs that have one. */
export function subgraphSockets(config: GatewayConfig): Record<string, string> {
  const sockets: [string, string | undefined][] = [
    [config.IDENTITY_URL, config.IDENTITY_SOCKET],
    [config.LEARNING_URL, config.LEARNING_SOCKET],
    [config.SCHEDULING_URL, config.SCHEDULING_SOCKET],
    [config.COMMERCE_URL, config.COMMERCE_SOCKET],
    [config.COMMUNITY_URL, config.COMMUNITY_SOCKET],
    [config.AI_ANALYTICS_URL, config.AI_ANALYTICS_SOCKET],
  ];
  return Object.fromEntries(sockets.flatMap(([url, socket]) => (socket ? [[new URL(url).origin, socket]] : [])));
}

/** Subgraph name → its own caller-token secret, where one is set (the others use GATEWAY_SECRET). */
export function subgraphSecrets(config: GatewayConfig): Record<string, string | undefined> {
  return {
    identity: config.IDENTITY_GATEWAY_SECRET,
    learning: config.LEARNING_GATEWAY_SECRET,
    scheduling: config.SCHEDULING_GATEWAY_SECRET,
    commerce: config.COMMERCE_GATEWAY_SECRET,
    community: config.COMMUNITY_GATEWAY_SECRET,
    'ai-analytics': config.AI_ANALYTICS_GATEWAY_SECRET,
  };
}

/** The origins allowed cross-origin access: CORS_ORIGINS, or by default none in production and localhost on any port elsewhere. */
export function corsOrigins(config: GatewayConfig): readonly string[] {
  return config.CORS_ORIGINS ?? (config.NODE_ENV === 'production' ? [] : DEVELOPMENT_ORIGINS);
}

/** Where identity publishes its public keys. */
export function jwksUrl(config: GatewayConfig): string {
  if (config.JWKS_URL) return config.JWKS_URL;
  const url = new URL(config.IDENTITY_URL);
  url.pathname = '/.well-known/jwks.json';
  return url.toString();
}

/** Where identity issues partner clients' access tokens (the gateway forwards POST /oauth/token there). */
export function oauthTokenUrl(config: GatewayConfig): string {
  const url = new URL(config.IDENTITY_URL);
  url.pathname = '/oauth/token';
  url.search = '';
  return url.toString();
}

/** Where commerce takes payment providers' webhooks (the gateway forwards POST /webhooks/payments there). */
export function paymentWebhookUrl(config: GatewayConfig): string {
  const url = new URL(config.COMMERCE_URL);
  url.pathname = '/webhooks/payments';
  url.search = '';
  return url.toString();
}

/** Where commerce shows and completes the local payment provider's second step (the gateway forwards /payments/local/actions there). */
export function localPaymentActionsUrl(config: GatewayConfig): string {
  const url = new URL(config.COMMERCE_URL);
  url.pathname = '/payments/local/actions';
  url.search = '';
  return url.toString();
}

/** Where community serves unsubscribe links (the gateway forwards /notifications/unsubscribe there). */
export function unsubscribeUrl(config: GatewayConfig): string {
  const url = new URL(config.COMMUNITY_URL);
  url.pathname = '/notifications/unsubscribe';
  url.search = '';
  return url.toString();
}

/** What the profile (NODE_ENV) turns on or off, unless set explicitly. */
export function gatewayProfile(config: GatewayConfig) {
  const production = config.NODE_ENV === 'production';
  return {
    production,
    playground: config.PLAYGROUND ?? !production,
    introspection: config.INTROSPECTION ?? !production,
  };
}

/**
 * Where the gateway serves /metrics: on METRICS_PORT when set; else on its own port, behind
 * METRICS_TOKEN when set. In production the public port serves it only with a token: the
 * numbers (operation names, error rates) are for the operator, not for every client.
 */
export function metricsSettings(config: GatewayConfig) {
  const onPublicPort = config.METRICS_PORT === undefined;
  return {
    port: config.METRICS_PORT,
    token: config.METRICS_TOKEN,
    served: !onPublicPort || config.METRICS_TOKEN !== undefined || !gatewayProfile(config).production,
    maxOperationNames: config.METRICS_OPERATION_NAMES,
  };
}

/** The operation limits from the configuration. */
export function operationLimitSettings(config: GatewayConfig) {
  return {
    maxCost: config.MAX_OPERATION_COST,
    maxDepth: config.MAX_OPERATION_DEPTH,
    maxAliases: config.MAX_OPERATION_ALIASES,
    maxDirectives: config.MAX_OPERATION_DIRECTIVES,
    maxTokens: config.MAX_OPERATION_TOKENS,
  };
}

/** The throttles' limits, from the configuration. */
export function throttleSettings(config: GatewayConfig): ThrottleSettings {
  return {
    signUp: { perAddress: config.THROTTLE_SIGN_UP_PER_ADDRESS, perEmail: config.THROTTLE_SIGN_UP_PER_EMAIL, windowSeconds: config.THROTTLE_SIGN_UP_WINDOW_SECONDS },
    logIn: { perAddress: config.THROTTLE_LOG_IN_PER_ADDRESS, perEmail: config.THROTTLE_LOG_IN_PER_EMAIL, windowSeconds: config.THROTTLE_LOG_IN_WINDOW_SECONDS },
    passwordReset: {
      perAddress: config.THROTTLE_PASSWORD_RESET_PER_ADDRESS,
      perEmail: config.THROTTLE_PASSWORD_RESET_PER_EMAIL,
      windowSeconds: config.THROTTLE_PASSWORD_RESET_WINDOW_SECONDS,
    },
    anonymousEvents: { perAddress: config.THROTTLE_ANONYMOUS_EVENTS_PER_ADDRESS, perEmail: null, windowSeconds: config.THROTTLE_ANONYMOUS_EVENTS_WINDOW_SECONDS },
    partnerToken: {
      perAddress: config.THROTTLE_PARTNER_TOKEN_PER_ADDRESS,
      perClient: config.THROTTLE_PARTNER_TOKEN_PER_CLIENT,
      windowSeconds: config.THROTTLE_PARTNER_TOKEN_WINDOW_SECONDS,
    },
    redisUrl: config.REDIS_URL,
  };
}

/** The persisted-operations mode, its manifest, and where automatic persisted queries are kept. */
export function persistedOperationSettings(config: GatewayConfig): PersistedOperationSettings {
  return {
    mode: config.PERSISTED_OPERATIONS,
    // Off means off: a manifest left configured is not consulted.
    manifest: config.PERSISTED_OPERATIONS === 'off' ? new Map() : (config.PERSISTED_OPERATIONS_MANIFEST ?? new Map()),
    cacheBytes: config.PERSISTED_QUERIES_CACHE_BYTES,
    redisUrl: config.REDIS_URL,
  };
}
