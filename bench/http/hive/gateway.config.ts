// Hive Gateway's configuration for the HTTP benchmark, loaded by its CLI
// (`hive-gateway supergraph schema/supergraph.graphql -c bench/http/hive/gateway.config.ts`).
// It reads the variables our gateway reads: each subgraph's URL, the gateway secret and
// identity's JWKS URL, so both gateways serve the same supergraph over the same subgraphs.
import { useAcademyCaller } from './caller-plugin.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

/** Subgraph name in the supergraph → the variable holding its URL (as gateway/src/config.ts). */
const SUBGRAPH_URL_VARIABLES: Record<string, string> = {
  identity: 'IDENTITY_URL',
  learning: 'LEARNING_URL',
  scheduling: 'SCHEDULING_URL',
  commerce: 'COMMERCE_URL',
  community: 'COMMUNITY_URL',
  'ai-analytics': 'AI_ANALYTICS_URL',
};

export const gatewayConfig = {
  transportEntries: Object.fromEntries(
    Object.entries(SUBGRAPH_URL_VARIABLES).map(([subgraph, variable]) => [subgraph, { location: required(variable) }]),
  ),
  plugins: () => [useAcademyCaller({ jwksUrl: required('JWKS_URL'), gatewaySecret: required('GATEWAY_SECRET') })],
  // Our gateway runs at LOG_LEVEL=warn in the benchmark.
  logging: 'warn' as const,
};
