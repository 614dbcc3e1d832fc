import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createHash } from 'node:crypto';

/** The supergraph as the subscription engine needs it: schemas and a caching query planner. */
export class SubscriptionPlanner {
  readonly apiSchema: Schema;
  /** What clients' documents are validated against. */
  readonly apiGraphQLSchema: GraphQLSchema;
  readonly supergraphGraphQLSchema: GraphQLSchema;
  readonly #planner: QueryPlanner;
  readonly #plans = new Map<string, QueryPlan>();
  readonly #byDocument = new WeakMap<DocumentNode, Map<string, QueryPlan>>();
  readonly #maxPlans: number;

  constructor(supergraphSdl: string, maxPlans = 1000) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphGraphQLSchema = supergraph.schema.toGraphQLJSSchema();
    this.#planner = new QueryPlanner(supergraph);
    this.#maxPlans = maxPlans;
  }

  /** The plan of an operation, built once per document and operation name (about 1 ms each). */
  plan(document: DocumentNode, operationName: string | undefined): QueryPlan {
    // Subscribers sending the same text share one parsed document: no need to print it again.
    const known = this.#byDocument.get(document)?.get(operationName ?? '');
    if (known) return known;
    const plan = this.#planByText(document, operationName);
    let byName = this.#byDocument.get(document);
    if (!byName) this.#byDocument.set(document, (byName = new Map()));
    byName.set(operationName ?? '', plan);
    return plan;
  }

  #planByText(document: DocumentNode, operationName: string | undefined): QueryPlan {
    const key = createHash('sha256').update(print(document)).update('\0').update(operationName ?? '').digest('base64url');
    const cached = this.#plans.get(key);
    if (cached) {
      // Most recently used last, so the oldest entry is the first to go.
      this.#plans.delete(key);
      this.#plans.set(key, cached);
      return cached;
    }
    const operation = operationFromDocument(this.apiSchema, document, { operationName });
    const plan = this.#planner.buildQueryPlan(operation);
    this.#plans.set(key, plan);
    if (this.#plans.size > this.#maxPlans) this.#plans.delete(this.#plans.keys().next().value!);
    return plan;
  }
}
