import type { ApolloServerPlugin } from '@apollo/server';
import { DateTime, ErrorCode, RequestErrorCode } from '@academy/service-kit';
import { BREAK, GraphQLError, GraphQLScalarType, visit, type DocumentNode, type GraphQLSchema, type StringValueNode } from 'graphql';

/** The subgraphs' own scalars whose parsing the gateway applies too (the supergraph only names them). */
const PARSED_SCALARS = [DateTime];

/**
 * Gives a schema built from the supergraph the subgraphs' parsing of custom scalars, so that a
 * malformed value (30 February, a date without a time zone) is refused while the request is
 * validated, before any subgraph is called, like any other invalid argument.
 */
export function installScalarParsing(schema: GraphQLSchema): void {
  for (const scalar of PARSED_SCALARS) {
    const type = schema.getType(scalar.name);
    if (type instanceof GraphQLScalarType) Object.assign(type, { parseValue: scalar.parseValue, parseLiteral: scalar.parseLiteral });
  }
}

/** Where a NUL character hides in the variables, as `$name.field[2]`; null when nowhere. */
function nulInVariables(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulInVariables(item, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulInVariables(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function nulInDocument(document: DocumentNode): StringValueNode | null {
  let found: StringValueNode | null = null;
  visit(document, {
    StringValue(node) {
      if (!node.value.includes('\u0000')) return undefined;
      found = node;
      return BREAK;
    },
  });
  return found;
}

/**
 * Where a request carries a NUL character (in a variable, named by its path, or in a string
 * literal of the document), said for the client; null when it carries none.
 */
export function findNulCharacter(document: DocumentNode, variables: Record<string, unknown> | undefined): { message: string; nodes?: StringValueNode } | null {
  const variable = Object.entries(variables ?? {})
    .map(([name, value]) => nulInVariables(value, `$${name}`))
    .find((found) => found !== null);
  if (variable) return { message: `Variable "${variable}" contains a NUL character (\\u0000), which no text accepts.` };
  const literal = nulInDocument(document);
  return literal ? { message: 'A string contains a NUL character (\\u0000), which no text accepts.', nodes: literal } : null;
}

const clientError = (message: string, code: string, options: { nodes?: StringValueNode } = {}) =>
  new GraphQLError(message, { nodes: options.nodes, extensions: { code, http: { status: 400 } } });

/**
 * Refuses, with 400 and a code that says what is wrong, the requests that are a client's
 * mistake but would otherwise reach the query planner or a subgraph and come back as a server
 * fault: no operation to run (several without `operationName`, or an unknown one), a
 * subscription over plain HTTP, and text with a NUL character (which no text column can
 * store). Custom scalars are parsed at the gateway too (see `installScalarParsing`).
 */
export function clientErrorsPlugin(options: { path: string }): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema }) {
          installScalarParsing(apiSchema);
        },
      };
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          if (!operation) {
            throw clientError(
              request.operationName
                ? `The document has no operation named "${request.operationName}".`
                : 'The document has several operations: name the one to run in "operationName".',
              RequestErrorCode.OPERATION_RESOLUTION_FAILURE,
            );
          }
          if (operation.operation === 'subscription') {
            const host = request.http?.headers.get('host') ?? 'localhost';
            throw clientError(
              `Subscriptions are served over WebSocket: connect to ws://${host}${options.path} (wss:// behind TLS) with the graphql-transport-ws protocol.`,
              RequestErrorCode.BAD_REQUEST,
            );
          }
          const nul = findNulCharacter(document, request.variables);
          if (nul) throw clientError(nul.message, ErrorCode.BAD_USER_INPUT, nul);
        },
      };
    },
  };
}
