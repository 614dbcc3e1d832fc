import type { PlanNode } from '@apollo/query-planner';
import { fragmentsOf, selectionIsViewerIndependent } from '@academy/service-kit';
import { Kind, isCompositeType, parse, visit, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * Whether the part of a subscription's plan that runs per event (`rest`) asks only for fields
 * marked @viewerIndependent. If so, subscribers who receive the same event with the same
 * selection get the same answer, and the gateway runs it once for all of them.
 *
 * Anything it cannot prove (an unknown plan node, a field without the mark, an unparsable
 * fetch) makes the answer "no": the rest then runs per subscriber, as a query would.
 */
export function isViewerIndependent(rest: PlanNode | undefined, supergraph: GraphQLSchema): boolean {
  if (!rest) return true;
  switch (rest.kind) {
    case 'Sequence':
    case 'Parallel':
      return rest.nodes.every((node) => isViewerIndependent(node, supergraph));
    case 'Flatten':
      return isViewerIndependent(rest.node, supergraph);
    case 'Condition':
      return isViewerIndependent(rest.ifClause, supergraph) && isViewerIndependent(rest.elseClause, supergraph);
    case 'Fetch':
      return fetchIsViewerIndependent(rest.operation, supergraph);
    default:
      return false;
  }
}

function fetchIsViewerIndependent(operation: string, supergraph: GraphQLSchema): boolean {
  let document: DocumentNode;
  try {
    document = parse(operation);
  } catch {
    return false;
  }
  const fragments = fragmentsOf(document);
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0]!.operation !== 'query') return false;
  const root = operations[0]!.selectionSet;
  // Entity fetches: `_entities(representations: ...) { ... on Type { fields } }`; the key fields
  // in the representations come from the event, which is the same for everyone sharing it.
  return root.selections.every((selection) => {
    if (selection.kind === Kind.FIELD && selection.name.value === '_entities' && selection.selectionSet) {
      return selection.selectionSet.selections.every((entity) => {
        if (entity.kind === Kind.FIELD) return entity.name.value === '__typename';
        const fragment = entity.kind === Kind.INLINE_FRAGMENT ? entity : fragments.get(entity.name.value);
        const typeName = fragment?.typeCondition?.name.value;
        const type = typeName ? supergraph.getType(typeName) : undefined;
        if (!fragment || !type || !isCompositeType(type)) return false;
        return selectionIsViewerIndependent(fragment.selectionSet, type, supergraph, fragments);
      });
    }
    // Any other root field is judged like a field of Query.
    const queryType = supergraph.getQueryType();
    if (!queryType) return false;
    return selectionIsViewerIndependent({ kind: Kind.SELECTION_SET, selections: [selection] }, queryType, supergraph, fragments);
  });
}

/**
 * The variables that can change a result besides the event itself: those the rest's fetches
 * send, and those in the client's @skip/@include conditions (which shape the response).
 */
export function sharedVariableNames(document: DocumentNode, restVariableUsages: Iterable<string>): string[] {
  const names = new Set(restVariableUsages);
  visit(document, {
    Directive(node) {
      visit(node, {
        Variable(variable) {
          names.add(variable.name.value);
        },
      });
    },
  });
  return [...names].sort();
}

/** Every variable a plan node's fetches send. */
export function variableUsagesOf(node: PlanNode | undefined): string[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(variableUsagesOf);
    case 'Flatten':
      return variableUsagesOf(node.node);
    case 'Condition':
      return [...variableUsagesOf(node.ifClause), ...variableUsagesOf(node.elseClause), node.condition];
    case 'Fetch':
      return node.variableUsages ?? [];
    default:
      return [];
  }
}

/**
 * Results computed once and handed to every subscriber with the same key, kept for a short
 * while: a room's subscribers receive an event within moments of each other, and one
 * execution serves them all. Bounded, so a burst of distinct events cannot grow it without end.
 */
export class SharedResults<T> {
  readonly #entries = new Map<string, { value: Promise<T>; at: number }>();

  constructor(
    private readonly ttlMs = 2_000,
    private readonly maxEntries = 5_000,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key`: shared if one is under way or fresh, else computed now. */
  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.#entries.get(key);
    if (entry && now - entry.at <= this.ttlMs) return entry.value;
    const value = compute();
    // A failure is not kept: the next subscriber tries again.
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    this.#entries.delete(key);
    this.#entries.set(key, { value, at: now });
    this.#evict(now);
    return value;
  }

  /** Oldest first: the map keeps insertion order. */
  #evict(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && now - entry.at <= this.ttlMs) break;
      this.#entries.delete(key);
    }
  }
}
