import { gatewaySecret, loadConfig, logLevel, port, z } from '@academy/service-kit';
import { fileURLToPath } from 'node:url';

const url = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);

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
  /** Keep-alive connections per subgraph. */
  /** Shared with every subgraph: the gateway signs each request's caller with it. */
  GATEWAY_SECRET: gatewaySecret(),
  /** Access tokens must name this issuer and audience (as identity issues them). */
  JWT_ISSUER: z.string().min(1).default('academy-supergraph'),
  JWT_AUDIENCE: z.string().min(1).default('academy-api'),
  /** Identity's public keys; default: /.well-known/jwks.json beside IDENTITY_URL. */
  JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Behind a proxy, take the client's address from the first X-Forwarded-For entry. */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  /** Serve the GraphQL playground (an embedded explorer page) on GET /graphql. */
  PLAYGROUND: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
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
  LOG_LEVEL: logLevel(),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(gatewayConfigSchema, env);

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

/** Where identity publishes its public keys. */
export function jwksUrl(config: GatewayConfig): string {
  if (config.JWKS_URL) return config.JWKS_URL;
  const url = new URL(config.IDENTITY_URL);
  url.pathname = '/.well-known/jwks.json';
  return url.toString();
}
