import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { createErrorFormatter, ErrorCode, RequestErrorCode, type Logger, type RequestCaller } from '@academy/service-kit';
import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { CallerSigner } from '../caller-signing.js';
import type { GatewayContext } from '../context.js';
import type { SubscriptionPlanner } from './planner.js';
import { isViewerIndependent, SharedResults, sharedVariableNames, variableUsagesOf } from './sharing.js';
import type { UpstreamSubscriptions } from './upstream.js';

/** A client's subscription, validated and with coerced variables. */
export interface SubscriptionRequest {
  document: DocumentNode;
  operationName?: string;
  variables: Record<string, unknown>;
  caller: RequestCaller;
  /** The subscription's own logger (its connection's, subscription's and request's ids); default the engine's. */
  logger?: Logger;
}

/** What the client receives: errors are serialised with their toJSON, so they stay GraphQLErrors. */
export type ClientResult = ExecutionResult<Record<string, unknown>>;

/** Where a subscription's results go. */
export interface SubscriptionSink {
  next(result: ClientResult): void;
  /** The subscription ended: nothing follows. */
  complete(): void;
}

/** A masked, formatted error as a GraphQLError again (keeping message, path and extensions). */
export const asGraphQLError = (formatted: GraphQLFormattedError) =>
  new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions });

/** The name under which each upstream event enters the query plan executor. */
const EVENT_SOURCE = '__subscription_event__';

/** What every subscription of one plan shares, worked out once per plan. */
interface PlanRun {
  primary: FetchNode;
  /** The plan run per event: the event stands in for the primary fetch, then the rest. */
  eventPlan: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
  /** Set when the rest asks only for viewer-independent fields: then its results are shared. */
  sharing: { id: number; variables: string[] } | null;
}

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
  readonly #runs = new WeakMap<QueryPlan, PlanRun>();
  readonly #shared = new SharedResults<ClientResult>();
  /** An event's data as text, once per event object (subscribers of one event share the object). */
  readonly #eventKeys = new WeakMap<object, string>();
  #nextSharingId = 1;

  constructor(
    private readonly planner: SubscriptionPlanner,
    private readonly upstream: UpstreamSubscriptions,
    private readonly dataSources: Record<string, GraphQLDataSource>,
    private readonly signer: CallerSigner,
    private readonly logger: Logger,
    /** How errors are shown to clients (the gateway's formatter); default: service-kit's masking. */
    formatError: ReturnType<typeof createErrorFormatter> = createErrorFormatter(logger),
  ) {
    this.#formatError = formatError;
  }

  /**
   * Starts one subscription: its results go to `sink` in event order, and `complete` once it
   * ends (after a last result carrying errors if it failed). Returns the function that stops it.
   */
  async start(request: SubscriptionRequest, sink: SubscriptionSink): Promise<() => void> {
    const plan = this.planner.plan(request.document, request.operationName);
    const node = plan.node;
    if (node?.kind !== 'Subscription') {
      // Validated as a subscription, it plans to nothing only when its root field is skipped.
      throw new GraphQLError('A subscription must select its root field unconditionally (no @skip or @include on it).', {
        extensions: { code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED },
      });
    }
    const run = this.#runOf(plan, request);
    const { primary } = run;
    // What besides the event decides a shared result: fixed for the subscription's life.
    const sharingKey = run.sharing ? `${run.sharing.id}\0${JSON.stringify(pick(request.variables, run.sharing.variables))}` : null;

    let ended = false;
    let unsubscribe: (() => void) | undefined;
    const stop = () => {
      if (ended) return;
      ended = true;
      unsubscribe?.();
    };
    const finish = (last?: ClientResult) => {
      if (ended) return;
      ended = true;
      if (last) sink.next(last);
      sink.complete();
    };
    // Events are completed one after another so that they reach the client in the order
    // the owning subgraph sent them (per room: sequence order).
    let queue: Promise<void> = Promise.resolve();
    const enqueue = (work: () => Promise<void>) => {
      queue = queue.then(work).catch((error: unknown) => {
        (request.logger ?? this.logger).error('subscription event failed', { err: error });
        const upstream = unsubscribe;
        finish({ errors: [this.#mask(error)] });
        upstream?.();
      });
    };

    unsubscribe = this.upstream.subscribe(
      primary.serviceName,
      {
        query: primary.operation,
        operationName: primary.operationName,
        variables: pick(request.variables, primary.variableUsages),
        callerToken: await this.signer.sign(request.caller, primary.serviceName),
      },
      {
        next: (event) =>
          enqueue(async () => {
            if (ended) return;
            const result = await this.#resultOf(event, run, request, sharingKey);
            if (!ended) sink.next(result);
          }),
        error: (error) => enqueue(async () => finish({ errors: this.#upstreamErrors(error) })),
        complete: () => enqueue(async () => finish()),
      },
    );
    return stop;
  }

  #runOf(plan: QueryPlan, request: SubscriptionRequest): PlanRun {
    const cached = this.#runs.get(plan);
    if (cached) return cached;
    const node = plan.node as SubscriptionNode;
    const { primary, rest } = node;
    const first: FetchNode = { ...primary, serviceName: EVENT_SOURCE };
    const run: PlanRun = {
      primary,
      eventPlan: { kind: 'QueryPlan', node: rest ? { kind: 'Sequence', nodes: [first, rest] } : first },
      operationContext: buildOperationContext({
        schema: this.planner.apiGraphQLSchema,
        operationDocument: request.document,
        operationName: request.operationName,
      }),
      sharing: isViewerIndependent(rest, this.planner.supergraphGraphQLSchema)
        ? { id: this.#nextSharingId++, variables: sharedVariableNames(request.document, variableUsagesOf(rest)) }
        : null,
    };
    this.#runs.set(plan, run);
    return run;
  }

  /**
   * One event's result for one subscriber. When the rest of the plan does not depend on the
   * viewer, subscribers who got the same event with the same variables share one execution.
   */
  #resultOf(event: ExecutionResult<Record<string, unknown>>, run: PlanRun, request: SubscriptionRequest, sharingKey: string | null): Promise<ClientResult> {
    if (sharingKey === null || !event.data || event.errors?.length) return this.#complete(event, run, request);
    let eventKey = this.#eventKeys.get(event);
    if (eventKey === undefined) this.#eventKeys.set(event, (eventKey = JSON.stringify(event.data)));
    return this.#shared.get(`${sharingKey}\0${eventKey}`, () => this.#complete(event, run, request));
  }

  /** Runs the rest of the plan for one event of the primary subscription. */
  async #complete(event: ExecutionResult<Record<string, unknown>>, run: PlanRun, request: SubscriptionRequest): Promise<ClientResult> {
    if (!event.data) return { errors: (event.errors ?? []).map((e) => asGraphQLError(this.#formatError(e as unknown as GraphQLFormattedError, e))) };
    // The event object is shared by every subscriber who received it, and the plan's executor
    // merges the other subgraphs' fields into the data it is given: it gets its own copy.
    const data = structuredClone(event.data);
    const serviceMap: ServiceMap = {
      ...this.dataSources,
      [EVENT_SOURCE]: { process: async () => ({ data, errors: event.errors }) },
    };
    const context: GatewayContext = {
      requestId: request.caller.requestId ?? '',
      caller: request.caller,
      // Signed per event and subgraph (an HMAC: microseconds): a subscription lives for hours, a token a minute.
      callerTokens: this.signer.tokensFor(request.caller),
    };
    const requestContext = {
      request: { query: '', operationName: request.operationName, variables: request.variables },
      context,
      logger: this.logger,
      metrics: {},
      document: request.document,
      operationName: request.operationName ?? null,
    };
    const result = await executeQueryPlan(
      run.eventPlan,
      serviceMap,
      requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
      run.operationContext,
      this.planner.supergraphGraphQLSchema,
      this.planner.apiSchema,
    );
    const errors = result.errors?.map((reported) => {
      // A fetch that threw (a subgraph that could not be reached) is reported as the thrown
      // Error itself: it becomes this event's error, and the subscription goes on.
      const error = reported instanceof GraphQLError ? reported : new GraphQLError((reported as Error).message, { originalError: reported as Error });
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
        extensions: { code: ErrorCode.SUBSCRIPTION_INTERRUPTED },
      }),
    ];
  }

  #mask(error: unknown): GraphQLError {
    const graphqlError = error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error as Error });
    return asGraphQLError(this.#formatError(graphqlError.toJSON(), graphqlError));
  }
}

function pick(values: Record<string, unknown>, names: string[] | undefined): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names ?? []) if (name in values) picked[name] = values[name];
  return picked;
}
