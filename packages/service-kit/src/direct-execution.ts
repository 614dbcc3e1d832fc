import type { IncomingMessage, ServerResponse } from 'node:http';
import { execute, getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ErrorFormatter } from './errors.js';
import { recordErrorCode, type RequestScope } from './observability/logging.js';

/**
 * How many distinct operation texts a subgraph keeps parsed and validated. The gateway's query
 * plans send a finite set of texts (one per fetch of each operation it has planned); a text past
 * the bound is served as well, only parsed and validated again.
 */
export const PREPARED_OPERATIONS = 2_000;

/** A fetch text, parsed and validated once. */
interface Prepared {
  document: DocumentNode;
  /** Its operations by name ('' for an anonymous one), to pick the one a request names. */
  operations: Map<string, OperationDefinitionNode>;
}

/** What one direct run needs from the subgraph that serves it. */
export interface DirectExecutionOptions<C> {
  schema: GraphQLSchema;
  formatError: ErrorFormatter;
  /** The request's scope (its access line) and id, read from the context. */
  scopeOf: (context: C) => RequestScope | undefined;
  requestIdOf: (context: C) => string | undefined;
  /** Whether the answer must be withheld (the request's answer budget was exceeded). */
  exceeded: (context: C) => boolean;
  /** Called once the answer is built, with its duration and error codes (metrics). */
  answered: (startedAt: number, codes: readonly unknown[]) => void;
}

/**
 * Runs a subgraph fetch without Apollo Server's per-request pipeline: the gateway sends a finite
 * set of operation texts, so each is parsed and validated once, then executed directly with the
 * same context, error masking and logging, answer budget, metrics and access line as through
 * Apollo Server. Anything out of the ordinary (a text that does not parse or validate, several
 * operations without a name, variables that do not coerce, an answer type other than JSON) is
 * left to Apollo Server, which answers it as it always has: `answer` then resolves null, having
 * run nothing.
 */
export function createDirectExecution<C>(options: DirectExecutionOptions<C>) {
  const prepared = new Map<string, Prepared | null>();

  const prepare = (query: string): Prepared | null => {
    let known = prepared.get(query);
    if (known !== undefined) return known;
    known = null;
    try {
      const document = parse(query);
      if (validate(options.schema, document).length === 0) {
        const operations = new Map<string, OperationDefinitionNode>();
        for (const definition of document.definitions) {
          if (definition.kind === 'OperationDefinition') operations.set(definition.name?.value ?? '', definition);
        }
        known = { document, operations };
      }
    } catch {
      // A syntax error: Apollo Server answers it.
    }
    if (prepared.size >= PREPARED_OPERATIONS) prepared.delete(prepared.keys().next().value!);
    prepared.set(query, known);
    return known;
  };

  /** The answer types this path writes: JSON, which is what a gateway asks for. */
  const acceptsJson = (accept: string | undefined) => accept === undefined || accept.includes('application/json') || accept.includes('*/*');

  const direct = {
    /**
     * The answer (JSON text, HTTP status 200) to `body` (a parsed POST body) if it is an
     * ordinary fetch, run with the context `contextOf` builds; null, having run nothing, if
     * Apollo Server must answer it.
     */
    async answer(body: unknown, accept: string | undefined, contextOf: () => Promise<C>): Promise<string | null> {
      if (body === null || typeof body !== 'object' || Array.isArray(body) || !acceptsJson(accept)) return null;
      const { query, variables, operationName, extensions } = body as Record<string, unknown>;
      if (typeof query !== 'string' || extensions !== undefined) return null;
      if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
      const operations = prepare(query);
      if (!operations) return null;
      const operation = typeof operationName === 'string' ? operations.operations.get(operationName) : getOperationAST(operations.document);
      // Mutations are answered over POST only, which this is.
      if (!operation) return null;
      const startedAt = performance.now();
      let context: C;
      try {
        context = await contextOf();
      } catch {
        // Apollo Server answers a context that cannot be built, as it always has.
        return null;
      }
      const result = await execute({
        schema: options.schema,
        document: operations.document,
        contextValue: context,
        variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
        operationName: operation.name?.value,
      });
      // No data at all: the variables did not coerce, nothing ran; Apollo Server answers it (a 400).
      if (!('data' in result)) return null;
      const errors = result.errors ?? [];
      const requestId = options.requestIdOf(context);
      if (errors.length > 0) options.formatError.logForRequest(errors, requestId);
      const formatted = errors.map((error) => options.formatError(formattedOf(error), error));
      const answer: { errors?: GraphQLFormattedError[]; data: unknown } = { data: options.exceeded(context) ? null : result.data };
      if (formatted.length > 0) answer.errors = formatted;
      const codes = formatted.map((error) => error.extensions?.code);
      const scope = options.scopeOf(context);
      if (scope) {
        scope.operationName = operation.name?.value ?? null;
        for (const code of codes) recordErrorCode(scope, code);
      }
      options.answered(startedAt, codes);
      return JSON.stringify(answer);
    },

    /**
     * Answers `body` (a parsed POST body) on `res` if it is an ordinary fetch; resolves false,
     * having written nothing, if Apollo Server must answer it.
     */
    async serve(req: IncomingMessage, res: ServerResponse, body: unknown, contextOf: () => Promise<C>): Promise<boolean> {
      const text = await direct.answer(body, req.headers.accept, contextOf);
      if (text === null) return false;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    },
  };
  return direct;
}

/** An error as Apollo Server hands it to formatError: an error without a code is INTERNAL_SERVER_ERROR. */
function formattedOf(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  return { ...formatted, extensions: { ...formatted.extensions, code: formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR' } };
}
