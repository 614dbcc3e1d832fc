import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import { codeLabel, LATENCY_BUCKETS, metricFamily, secondsSince } from '@academy/service-kit';
import { Kind, parse } from 'graphql';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { GatewayContext } from '../context.js';

/** Operation names label values may take besides the known ones. */
export const ANONYMOUS_OPERATION = 'anonymous';
export const OTHER_OPERATION = 'other';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * The label an operation name gets, so that clients cannot grow the gateway's series without
 * bound: the names of the manifest's operations, then the first `maxSeen` other names of
 * operations that resolved; every later name is "other", and an operation without a name "anonymous".
 */
export class OperationNames {
  readonly #known: ReadonlySet<string>;
  readonly #seen = new Set<string>();

  constructor(
    known: Iterable<string>,
    readonly maxSeen: number,
  ) {
    this.#known = new Set(known);
  }

  /** `resolved`: the name belongs to an operation of a valid document (not just any string a client sent). */
  labelOf(name: string | null | undefined, resolved: boolean): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (this.#known.has(name) || this.#seen.has(name)) return name;
    if (resolved && this.#seen.size < this.maxSeen && GRAPHQL_NAME.test(name)) {
      this.#seen.add(name);
      return name;
    }
    return OTHER_OPERATION;
  }
}

/** The names of the operations in a manifest's documents (hash → document). */
export function operationNamesOf(documents: Iterable<string>): string[] {
  const names: string[] = [];
  for (const document of documents) {
    try {
      for (const definition of parse(document, { noLocation: true }).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.push(definition.name.value);
      }
    } catch {
      // The manifest's reader reports broken documents; here they just name nothing.
    }
  }
  return names;
}

/** What the WebSocket server reports at each scrape. */
export interface LiveSocketCounts {
  sockets: number;
  subscriptions: number;
}

const liveSources = new Set<() => LiveSocketCounts>();

function liveGauge(name: string, help: string, read: (counts: LiveSocketCounts) => number) {
  return metricFamily(
    name,
    (registers) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          let total = 0;
          for (const source of liveSources) total += read(source());
          this.set(total);
        },
      }),
  );
}

/**
 * The gateway's metrics: requests, errors and latency by operation, subgraph fetches, live
 * sockets and subscriptions. The families are the process's (see the service kit's
 * metricsRegistry); several gateways in one process add to the same series.
 */
export function createGatewayMetrics(options: { knownOperationNames: Iterable<string>; maxOperationNames: number }) {
  const names = new OperationNames(options.knownOperationNames, options.maxOperationNames);
  const requests = metricFamily(
    'gateway_graphql_requests_total',
    (registers) =>
      new Counter({
        name: 'gateway_graphql_requests_total',
        help: 'GraphQL requests over HTTP, by operation name (bounded) and outcome (success, or error when the answer carries errors).',
        labelNames: ['operation', 'outcome'] as const,
        registers,
      }),
  );
  const duration = metricFamily(
    'gateway_graphql_request_duration_seconds',
    (registers) =>
      new Histogram({
        name: 'gateway_graphql_request_duration_seconds',
        help: 'Time from a GraphQL request reaching Apollo Server to its answer, by operation name (bounded).',
        labelNames: ['operation'] as const,
        buckets: LATENCY_BUCKETS,
        registers,
      }),
  );
  const errors = metricFamily(
    'gateway_graphql_errors_total',
    (registers) =>
      new Counter({
        name: 'gateway_graphql_errors_total',
        help: 'Errors in GraphQL answers over HTTP, by error code (the contract codes; OTHER for anything else).',
        labelNames: ['code'] as const,
        registers,
      }),
  );
  const fetchDuration = metricFamily(
    'gateway_subgraph_fetch_duration_seconds',
    (registers) =>
      new Histogram({
        name: 'gateway_subgraph_fetch_duration_seconds',
        help: 'Time of one fetch of a query plan from a subgraph (HTTP or in process), by subgraph.',
        labelNames: ['subgraph'] as const,
        buckets: LATENCY_BUCKETS,
        registers,
      }),
  );
  const fetchErrors = metricFamily(
    'gateway_subgraph_fetch_errors_total',
    (registers) =>
      new Counter({
        name: 'gateway_subgraph_fetch_errors_total',
        help: 'Errors in subgraph fetch answers, by subgraph and code (SERVICE_UNAVAILABLE: the subgraph could not be reached, timed out or failed).',
        labelNames: ['subgraph', 'code'] as const,
        registers,
      }),
  );
  liveGauge('gateway_websocket_connections', 'Open GraphQL-over-WebSocket sockets of the gateway.', (counts) => counts.sockets);
  liveGauge('gateway_subscriptions_active', 'Subscriptions running on the gateway sockets.', (counts) => counts.subscriptions);
  requests.inc({ operation: ANONYMOUS_OPERATION, outcome: 'success' }, 0);
  requests.inc({ operation: ANONYMOUS_OPERATION, outcome: 'error' }, 0);
  duration.zero({ operation: ANONYMOUS_OPERATION });

  /** Counts each request as Apollo Server answers it (refusals before it, such as an oversized body, are not seen). */
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ request }) {
      const startedAt = performance.now();
      return {
        async willSendResponse(requestContext) {
          const resolved = requestContext.operation !== undefined && requestContext.operation !== null;
          const operation = names.labelOf(resolved ? (requestContext.operationName ?? null) : request.operationName, resolved);
          const sent = requestContext.response.body.kind === 'single' ? (requestContext.response.body.singleResult.errors ?? []) : [];
          duration.observe({ operation }, secondsSince(startedAt));
          requests.inc({ operation, outcome: sent.length > 0 ? 'error' : 'success' });
          for (const error of sent) errors.inc({ code: codeLabel(error.extensions?.code) });
        },
      };
    },
  };

  return {
    plugin,
    operationNames: names,
    /** `source` with each fetch timed and its errors counted under `subgraph`. */
    instrument(subgraph: string, source: GraphQLDataSource<GatewayContext>): GraphQLDataSource<GatewayContext> {
      fetchDuration.zero({ subgraph });
      return {
        async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
          const startedAt = performance.now();
          try {
            const result = await source.process(options);
            for (const error of result.errors ?? []) fetchErrors.inc({ subgraph, code: codeLabel(error.extensions?.code) });
            return result;
          } catch (error) {
            fetchErrors.inc({ subgraph, code: 'THROWN' });
            throw error;
          } finally {
            fetchDuration.observe({ subgraph }, secondsSince(startedAt));
          }
        },
      };
    },
    /** Shows a WebSocket server's sockets and subscriptions until the returned function is called. */
    watchSockets(source: () => LiveSocketCounts): () => void {
      liveSources.add(source);
      return () => liveSources.delete(source);
    },
  };
}
