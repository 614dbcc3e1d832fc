import { GraphQLScalarType, type GraphQLFieldResolver } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';

/**
 * A subgraph's resolvers, as its generated `Resolvers` type describes them: per GraphQL type,
 * a scalar, or its fields' resolvers (functions, or `{ resolve, subscribe }` for subscriptions),
 * `__resolveReference` for an entity. The generated type is what checks them against the schema;
 * this one only says what the kit can serve.
 */
export type SubgraphResolvers = { [typeName: string]: object | undefined };

const isFieldResolver = <C>(value: unknown): value is GraphQLFieldResolver<unknown, C> => typeof value === 'function';
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

type FieldEntry<C> = GraphQLFieldResolver<unknown, C> | { resolve?: GraphQLFieldResolver<unknown, C>; subscribe?: GraphQLFieldResolver<unknown, C> };

/**
 * Reads a subgraph's resolvers into the map the federation schema builder takes, checking each
 * entry at start-up: a value that is neither a scalar nor a resolver function stops the build
 * with the type and field it was given for.
 */
export function resolverMapOf<C>(resolvers: SubgraphResolvers): GraphQLResolverMap<C> {
  const map: GraphQLResolverMap<C> = {};
  for (const [typeName, definition] of Object.entries(resolvers)) {
    if (definition === undefined) continue;
    if (definition instanceof GraphQLScalarType) {
      map[typeName] = definition;
      continue;
    }
    const fields: Record<string, FieldEntry<C>> = {};
    for (const [fieldName, entry] of Object.entries(definition)) {
      if (entry === undefined) continue;
      if (isFieldResolver<C>(entry)) {
        fields[fieldName] = entry;
      } else if (isRecord(entry) && (isFieldResolver<C>(entry.resolve) || isFieldResolver<C>(entry.subscribe))) {
        fields[fieldName] = {
          ...(isFieldResolver<C>(entry.resolve) ? { resolve: entry.resolve } : {}),
          ...(isFieldResolver<C>(entry.subscribe) ? { subscribe: entry.subscribe } : {}),
        };
      } else {
        throw new TypeError(`${typeName}.${fieldName}: a resolver must be a function or { resolve, subscribe }`);
      }
    }
    map[typeName] = fields;
  }
  return map;
}

/**
 * An entity of another subgraph, referred to by its key: what a field returns for the gateway to
 * resolve there (e.g. `{ __typename: 'User', id }` for a course's author).
 */
export interface EntityReference<Typename extends string> {
  __typename: Typename;
  id: string;
}
