// What the operation limits cost the gateway per request: the same check the gateway makes
// before planning (gateway/src/limits), run here on the requests of the mix. Documents are
// parsed once, as the gateway's document cache does; the check itself is what is timed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, type DocumentNode } from 'graphql';
import { REPO_ROOT } from '../../db/src/config.js';
import { loadGatewayConfig, operationLimitSettings } from '../../gateway/src/config.js';
import { OperationLimits } from '../../gateway/src/limits/index.js';
import type { Variant } from './variants.js';

/** Checks run per measurement: enough for a stable mean, bounded in time. */
const CHECKS = 200_000;

/** Microseconds of CPU one request's limit check takes, on average over the mix, at the default limits. */
export function measureOperationLimits(requests: Variant[]): number {
  const schema = buildSchema(readFileSync(join(REPO_ROOT, 'schema', 'api.graphql'), 'utf8'));
  const limits = new OperationLimits(schema, operationLimitSettings(loadGatewayConfig({ GATEWAY_SECRET: 'x'.repeat(32) })));
  const documents = new Map<string, DocumentNode>();
  const checks = requests.map((variant) => {
    const { query, variables } = JSON.parse(variant.body) as { query: string; variables?: Record<string, unknown> };
    let document = documents.get(query);
    if (!document) documents.set(query, (document = parse(query)));
    return { document, variables };
  });
  for (const check of checks) if (limits.check(check).length > 0) throw new Error('a request of the mix is over the operation limits');
  const started = process.cpuUsage();
  for (let i = 0; i < CHECKS; i++) limits.check(checks[i % checks.length]!);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / CHECKS;
}
