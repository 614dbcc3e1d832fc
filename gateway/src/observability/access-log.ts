import type { GraphQLDataSource } from '@apollo/gateway';
import { recordSubgraphFetch } from '@academy/service-kit';
import { performance } from 'node:perf_hooks';
import type { GatewayContext } from '../context.js';

/**
 * A subgraph's data source whose fetches are counted and timed in the access line of the
 * request they serve (by subgraph name and duration).
 */
export function timedDataSource(subgraph: string, source: GraphQLDataSource<GatewayContext>): GraphQLDataSource<GatewayContext> {
  return {
    async process(options) {
      const started = performance.now();
      try {
        return await source.process(options);
      } finally {
        recordSubgraphFetch(options.context.requestScope, subgraph, started);
      }
    },
  };
}
