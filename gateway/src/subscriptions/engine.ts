import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { createErrorFormatter, signCallerToken, type Logger, type RequestCaller } from '@academy/service-kit';
import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { SubscriptionPlanner } from './planner.js';
import { PushIterator } from './push-iterator.js';
import type { UpstreamSubscriptions } from './upstream.js';

/** A client's subscription, validated and with coerced variables. */
export interface SubscriptionRequest {
  document: DocumentNode;
  operationName?: string;
  variables: Record<string, unknown>;
  caller: RequestCaller;
}

/** What the client receives: graphql-ws serialises errors with toJSON, so they stay GraphQLErrors. */
type ClientResult = ExecutionResult<Record<string, unknown>>;

/** A masked, formatted error as a GraphQLError again (keeping message, path and extensions). */
export const asGraphQLError = (formatted: GraphQLFormattedError) =>
  new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions });

/** The name under which each upstream event enters the query plan executor. */
const EVENT_SOURCE = '__subscription_event__';
/** Caller tokens live a minute; re-sign well before. */
const CALLER_TOKEN_REFRESH_MS = 30_000;

/**
 * Runs subscriptions through the federation: the query planner's plan for the subscription
 * has a `primary` fetch (the subgraph owning the root field, with the keys the rest needs)
 * and a `rest` (entity fetches to other subgraphs). The primary runs as one upstream
 * graphql-ws subscription; each of its events runs the rest as a query plan whose first
 * fetch is answered by the event itself, so other subgraphs' fields resolve, merge, shape
 * and fail exactly as in queries.
 */
export class SubscriptionEngine {
  readonly #formatError: ReturnType<typeof createErrorFormatter>;

  constructor(
    private readonly planner: SubscriptionPlanner,
    private readonly upstream: UpstreamSubscriptions,
    private readonly dataSources: Record<string, GraphQLDataSource>,
    private readonly gatewaySecret: string,
    private readonly logger: Logger,
  ) {
    this.#formatError = createErrorFormatter(logger);
  }

  /** Starts one subscription; the iterator yields its results in event order. */
  async start(request: SubscriptionRequest): Promise<AsyncIterableIterator<ClientResult>> {
    const plan = this.planner.plan(request.document, request.operationName);
    const node = plan.node;
    if (node?.kind !== 'Subscription') {
      throw new GraphQLError('This operation is not a subscription.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    const { primary, rest } = node;
    const operationContext = buildOperationContext({
      schema: this.planner.apiGraphQLSchema,
      operationDocument: request.document,
      operationName: request.operationName,
    });
    const caller = new CallerTokens(request.caller, this.gatewaySecret);

    let unsubscribe: (() => void) | undefined;
    const results = new PushIterator<ClientResult>(() => unsubscribe?.());
    // Events are completed one after another so that they reach the client in the order
    // the owning subgraph sent them (per room: sequence order).
    let queue: Promise<void> = Promise.resolve();
    const enqueue = (work: () => Promise<void>) => {
      queue = queue.then(work).catch((error: unknown) => {
        this.logger.error('subscription event failed', { err: error });
        results.push({ errors: [this.#mask(error)] });
        results.end();
        unsubscribe?.();
      });
    };

    unsubscribe = this.upstream.subscribe(
      primary.serviceName,
      {
        query: primary.operation,
        operationName: primary.operationName,
        variables: pick(request.variables, primary.variableUsages),
        callerToken: await caller.token(),
      },
      {
        next: (event) =>
          enqueue(async () => {
            if (results.done) return;
            results.push(await this.#complete(event, { primary, rest, request, operationContext, caller }));
          }),
        error: (error) =>
          enqueue(async () => {
            results.push({ errors: this.#upstreamErrors(error) });
            results.end();
          }),
        complete: () => enqueue(async () => results.end()),
      },
    );
    return results;
  }

  /** Runs the rest of the plan for one event of the primary subscription. */
  async #complete(
    event: ExecutionResult<Record<string, unknown>>,
    run: {
      primary: FetchNode;
      rest: PlanNode | undefined;
      request: SubscriptionRequest;
      operationContext: ReturnType<typeof buildOperationContext>;
      caller: CallerTokens;
    },
  ): Promise<ClientResult> {
    if (!event.data) return { errors: (event.errors ?? []).map((e) => asGraphQLError(this.#formatError(e as unknown as GraphQLFormattedError, e))) };
    const first: FetchNode = { ...run.primary, serviceName: EVENT_SOURCE };
    const queryPlan: QueryPlan = { kind: 'QueryPlan', node: run.rest ? { kind: 'Sequence', nodes: [first, run.rest] } : first };
    const serviceMap: ServiceMap = {
      ...this.dataSources,
      [EVENT_SOURCE]: { process: async () => ({ data: event.data, errors: event.errors }) },
    };
    const context: GatewayContext = {
      requestId: run.request.caller.requestId ?? '',
      caller: run.request.caller,
      callerToken: await run.caller.token(),
    };
    const requestContext = {
      request: { query: '', operationName: run.request.operationName, variables: run.request.variables },
      context,
      logger: this.logger,
      metrics: {},
      document: run.request.document,
      operationName: run.request.operationName ?? null,
    };
    const result = await executeQueryPlan(
      queryPlan,
      serviceMap,
      requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
      run.operationContext,
      this.planner.supergraphGraphQLSchema,
      this.planner.apiSchema,
    );
    const errors = result.errors?.map((error) => {
      // Errors of the event itself carry the stand-in name: give them their subgraph's.
      if (error.extensions?.serviceName === EVENT_SOURCE) error.extensions.serviceName = run.primary.serviceName;
      return asGraphQLError(this.#formatError(error.toJSON(), error));
    });
    return errors?.length ? { data: result.data, errors } : { data: result.data };
  }

  /** What the client sees when the upstream subscription fails: its GraphQL errors, or a masked failure. */
  #upstreamErrors(error: unknown): GraphQLError[] {
    if (Array.isArray(error)) return error.map((e: GraphQLFormattedError) => asGraphQLError(this.#formatError(e, new GraphQLError(e.message))));
    return [
      new GraphQLError('The subscription was interrupted: subscribe again (with afterSequence to resume).', {
        extensions: { code: 'SUBSCRIPTION_INTERRUPTED' },
      }),
    ];
  }

  #mask(error: unknown): GraphQLError {
    const graphqlError = error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error as Error });
    return asGraphQLError(this.#formatError(graphqlError.toJSON(), graphqlError));
  }
}

/** The subscriber's caller, signed for subgraphs, re-signed before it would expire. */
class CallerTokens {
  #token: Promise<string> | null = null;
  #signedAt = 0;

  constructor(
    private readonly caller: RequestCaller,
    private readonly secret: string,
  ) {}

  token(): Promise<string> {
    const now = Date.now();
    if (!this.#token || now - this.#signedAt > CALLER_TOKEN_REFRESH_MS) {
      this.#signedAt = now;
      this.#token = signCallerToken(this.caller, this.secret);
    }
    return this.#token;
  }
}

function pick(values: Record<string, unknown>, names: string[] | undefined): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names ?? []) if (name in values) picked[name] = values[name];
  return picked;
}
