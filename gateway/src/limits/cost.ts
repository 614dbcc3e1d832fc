import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@academy/service-kit';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromAST,
  GraphQLInt,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Items assumed for a list field without `first`/`last` (a course's modules, a room's
 * members): the default page size, since none of them is meant to be long.
 */
export const UNPAGED_LIST_SIZE = DEFAULT_PAGE_SIZE;

const PAGE_ARGUMENTS = ['first', 'last'];

/** What an operation's cost was computed from: whether it read a variable (then it may differ per request). */
export interface OperationCost {
  cost: number;
  readVariables: boolean;
}

/**
 * The cost of an operation: how many fields its answer can hold. Each field counts once for
 * every item of every list above it; a list holds `first`/`last` items (literal or variable;
 * else the argument's default, else the default page size of 20; at most 100, the largest page
 * any subgraph serves, and at least 1, since an empty list still has to be planned), and a
 * connection's page size applies to its `edges`. Lists without paging arguments count
 * `UNPAGED_LIST_SIZE` items. Introspection (`__schema`, `__type`) is answered by the gateway from
 * the schema and costs nothing.
 *
 * Each named fragment is costed once per page size it is spread under (memoised), never
 * expanded: fragments that spread each other twice, 24 levels deep, cost 2^24 and are refused
 * as such, in the time it takes to read them.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults = new Map<string, ValueNode | undefined>();
  for (const definition of operation.variableDefinitions ?? []) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();
  let readVariables = false;

  /** The value of an Int argument as the subgraph will see it, or undefined when it is not given. */
  const intValueOf = (node: ValueNode): number | null | undefined => {
    if (node.kind === Kind.VARIABLE) {
      readVariables = true;
      const name = node.name.value;
      if (Object.hasOwn(variables, name)) {
        const value = variables[name];
        return typeof value === 'number' ? value : value === null ? null : undefined;
      }
      const fallback = variableDefaults.get(name);
      return fallback ? (valueFromAST(fallback, GraphQLInt) as number | null | undefined) : undefined;
    }
    return valueFromAST(node, GraphQLInt) as number | null | undefined;
  };

  /** Items of a page the field returns, or undefined when the field has no paging argument. */
  const pageSizeOf = (field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[] | undefined): number | undefined => {
    let paged = false;
    let size: number | undefined;
    for (const name of PAGE_ARGUMENTS) {
      const definition = field.args.find((arg) => arg.name === name);
      if (!definition) continue;
      paged = true;
      const given = args?.find((arg) => arg.name.value === name);
      const value = (given ? intValueOf(given.value) : undefined) ?? definition.defaultValue;
      if (typeof value === 'number') size = Math.max(size ?? 0, value);
    }
    if (!paged) return undefined;
    return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(size ?? DEFAULT_PAGE_SIZE)));
  };

  const fieldsOf = (type: GraphQLCompositeType) => (isObjectType(type) || isInterfaceType(type) ? type.getFields() : {});

  /** Cost of a selection set once; `pageSize` is set when it is a connection's, for its `edges`. */
  const costOf = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, pageSize: number | undefined): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const name = selection.name.value;
          if (name === '__schema' || name === '__type') continue;
          total += 1;
          const field = fieldsOf(type)[name];
          if (!field || !selection.selectionSet) continue;
          const returned = getNamedType(field.type);
          if (!isCompositeType(returned)) continue;
          const page = pageSizeOf(field, selection.arguments);
          if (isListType(getNullableType(field.type))) {
            const items = page ?? (name === 'edges' ? pageSize : undefined) ?? UNPAGED_LIST_SIZE;
            total += items * costOf(selection.selectionSet, returned, undefined);
          } else {
            // A connection: its page size applies to its `edges`.
            total += costOf(selection.selectionSet, returned, page);
          }
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
          if (condition && isCompositeType(condition)) total += costOf(selection.selectionSet, condition, pageSize);
          break;
        }
        case Kind.FRAGMENT_SPREAD:
          total += fragmentCost(selection.name.value, pageSize);
          break;
      }
    }
    return total;
  };

  const fragmentCost = (name: string, pageSize: number | undefined): number => {
    const key = `${name}\0${pageSize ?? ''}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const condition = fragment && schema.getType(fragment.typeCondition.name.value);
    // A cycle or an unknown fragment never gets here past validation; count it as nothing.
    if (!fragment || !condition || !isCompositeType(condition) || inProgress.has(key)) return 0;
    inProgress.add(key);
    const cost = costOf(fragment.selectionSet, condition, pageSize);
    inProgress.delete(key);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const root = schema.getRootType(operation.operation);
  const cost = root ? costOf(operation.selectionSet, root, undefined) : 0;
  return { cost, readVariables };
}
