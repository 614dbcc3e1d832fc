import {
  Kind,
  createSourceEventStream,
  execute,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isCompositeType,
  parse,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/**
 * The directive a subgraph puts on fields whose value is the same whoever asks (among those
 * allowed to reach it). Where a subscription event's selection has only such fields, its
 * result is computed once and shared by every subscriber who received that event.
 */
export const VIEWER_INDEPENDENT = 'viewerIndependent';

/** The named fragments of a document, by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * Whether every field of `selectionSet` (on `parent`, through fragments and nested selections)
 * is marked @viewerIndependent in `schema`. Anything it cannot resolve counts as dependent.
 */
export function selectionIsViewerIndependent(
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  schema: GraphQLSchema,
  fragments: Map<string, FragmentDefinitionNode>,
): boolean {
  return selectionSet.selections.every((selection) => {
    if (selection.kind === Kind.FRAGMENT_SPREAD || selection.kind === Kind.INLINE_FRAGMENT) {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) return false;
      const typeName = fragment.typeCondition?.name.value;
      const type = typeName ? schema.getType(typeName) : parent;
      if (!type || !isCompositeType(type)) return false;
      return selectionIsViewerIndependent(fragment.selectionSet, type, schema, fragments);
    }
    if (selection.name.value === '__typename') return true;
    if (!('getFields' in parent)) return false;
    const field = parent.getFields()[selection.name.value];
    if (!field?.astNode?.directives?.some((d) => d.name.value === VIEWER_INDEPENDENT)) return false;
    if (!selection.selectionSet) return true;
    const type = getNamedType(field.type);
    return isCompositeType(type) && selectionIsViewerIndependent(selection.selectionSet, type, schema, fragments);
  });
}

type Checked = { document: DocumentNode; errors?: undefined } | { errors: readonly GraphQLError[] };

/**
 * Parsed and validated documents by their text. Clients of an app send the same few
 * documents: each is parsed and validated once, and every subscription of it shares one syntax
 * tree (which also lets per-document work be cached by the tree's identity).
 */
export class CheckedDocuments {
  readonly #entries = new Map<string, Checked>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly onSyntaxError: (error: unknown) => GraphQLError,
    private readonly maxEntries = 1_000,
    /** How validation errors are reported (as graphql-js gives them, by default). */
    private readonly onInvalid: (errors: readonly GraphQLError[]) => readonly GraphQLError[] = (errors) => errors,
  ) {}

  get(query: string): Checked {
    const cached = this.#entries.get(query);
    if (cached) return cached;
    let entry: Checked;
    let document: DocumentNode | undefined;
    try {
      document = parse(query);
      const errors = validate(this.schema, document);
      entry = errors.length > 0 ? { errors: this.onInvalid(errors) } : { document };
    } catch (error) {
      // Past parsing, what throws is validation (a rule that meets what it cannot check, such
      // as a variable in a subscription's root directives): an invalid document, not a syntax error.
      entry =
        document === undefined
          ? { errors: [this.onSyntaxError(error)] }
          : { errors: this.onInvalid([error instanceof GraphQLError ? error : new GraphQLError('The document could not be validated.')]) };
    }
    // Oldest out first: a flood of distinct documents cannot grow it past its bound.
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(query, entry);
    return entry;
  }
}

/** What is known of one subscription document: whether its events' results can be shared. */
interface SharingPlan {
  id: number;
  shareable: boolean;
  /** The variables the event's selection uses (not the root field's arguments, which chose the events). */
  variables: string[];
}

/**
 * graphql-js's `subscribe`, except that where a subscription's selection has only
 * @viewerIndependent fields, the result of an event is computed once for every subscription
 * of the same document and variables that received that same event object, instead of once
 * per subscriber. A room's message reaches its 500 subscribers as one object: one execution.
 *
 * Only the per-event execution is shared: each subscriber's source stream (and whatever it
 * checks, such as membership) stays its own.
 */
export class SharedSubscriptions {
  readonly #plans = new WeakMap<DocumentNode, Map<string, SharingPlan>>();
  readonly #results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  #nextId = 1;

  async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const plan = this.#planOf(args.schema, args.document, args.operationName ?? undefined);
    const iterator = source[Symbol.asyncIterator]();
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const key = plan.shareable ? `${plan.id}\0${JSON.stringify(plan.variables.map((name) => variables[name] ?? null))}` : null;
    const resultOf = (event: unknown): Promise<ExecutionResult> => {
      const run = async () => execute({ ...args, rootValue: event });
      if (key === null || typeof event !== 'object' || event === null) return run();
      let byKey = this.#results.get(event);
      if (!byKey) this.#results.set(event, (byKey = new Map()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = run()));
      return result;
    };
    const close = async (): Promise<IteratorResult<ExecutionResult>> => {
      await iterator.return?.();
      return { value: undefined, done: true };
    };
    const results: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const item = await iterator.next();
        if (item.done) return item;
        try {
          return { value: await resultOf(item.value), done: false };
        } catch (error) {
          await close();
          throw error;
        }
      },
      return: close,
      async throw(error: unknown) {
        await close();
        throw error;
      },
      [Symbol.asyncIterator]: () => results,
    };
    return results;
  }

  #planOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): SharingPlan {
    let byName = this.#plans.get(document);
    if (!byName) this.#plans.set(document, (byName = new Map()));
    const known = byName.get(operationName ?? '');
    if (known) return known;
    const plan: SharingPlan = { id: this.#nextId++, shareable: false, variables: [] };
    const operation = getOperationAST(document, operationName);
    const root = schema.getSubscriptionType();
    const fields = operation?.selectionSet.selections ?? [];
    const only = fields.length === 1 ? fields[0] : undefined;
    if (root && only?.kind === Kind.FIELD) {
      const field = root.getFields()[only.name.value];
      const type = field ? getNamedType(field.type) : undefined;
      plan.shareable =
        !only.directives?.length &&
        (!only.selectionSet || (type !== undefined && isCompositeType(type) && selectionIsViewerIndependent(only.selectionSet, type, schema, fragmentsOf(document))));
      const names = new Set<string>();
      // Variables inside the selection (and in the fragments it spreads) can change the result.
      const collect = (node: ASTNode) =>
        visit(node, {
          Variable(variable) {
            names.add(variable.name.value);
          },
          FragmentSpread(spread) {
            const fragment = fragmentsOf(document).get(spread.name.value);
            if (fragment) collect(fragment.selectionSet);
          },
        });
      if (only.selectionSet) collect(only.selectionSet);
      plan.variables = [...names].sort();
    }
    byName.set(operationName ?? '', plan);
    return plan;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
