import { OperationLimitCode } from '@academy/service-kit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getOperationAST,
  GraphQLError,
  Lexer,
  Source,
  TokenKind,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { operationCost } from './cost.js';

/** The limits every operation is held to before it is planned (HTTP and WebSocket alike). */
export interface OperationLimitSettings {
  /** Largest cost (see `operationCost`): fields of the answer, counted per list item. */
  maxCost: number;
  /** Deepest selection, in fields (fragments add none of their own). */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Most lexical tokens in the document. */
  maxTokens: number;
}

/** One operation to check: its validated document, the operation's name and the raw variables. */
export interface OperationToCheck {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export const limitError = (code: OperationLimitCode, message: string) => new GraphQLError(message, { extensions: { code } });

/** graphql-armor reports as a syntax error what is a limit: the same text, with its own code. */
const reportAs =
  (code: OperationLimitCode) =>
  (context: ValidationContext | null, error: GraphQLError): void =>
    context?.reportError(limitError(code, error.message.replace(/^Syntax Error: /, '')));

/** The message of a document refused for its tokens, as over HTTP and WebSocket alike. */
export const tooManyTokens = (maxTokens: number) => limitError(OperationLimitCode.TOKEN_LIMIT_EXCEEDED, `Token limit of ${maxTokens} exceeded.`);

/**
 * Tokens of a document as graphql-js's parser counts them for `maxTokens` (comments are not
 * tokens); stops past `max`, or at a syntax error (which parsing then reports).
 */
export function countTokens(text: string, max: number): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (count <= max && lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // Not GraphQL past this point: the parser says so.
  }
  return count;
}

/**
 * The operation limits: tokens before parsing; depth, aliases and directives by graphql-armor's
 * rules, and a cost that knows list sizes (`operationCost`), once the document is valid. What
 * depends on the document alone is checked once per document (parsed documents are cached);
 * the cost once per document too unless it reads a variable (`first: $n`), then per request.
 */
export class OperationLimits {
  readonly #rules: ValidationRule[];
  readonly #byDocument = new WeakMap<DocumentNode, { errors: readonly GraphQLError[]; costs: Map<string, number> }>();

  constructor(
    private readonly schema: GraphQLSchema,
    readonly settings: OperationLimitSettings,
  ) {
    const callbacks = (code: OperationLimitCode) => ({ exposeLimits: true, propagateOnRejection: false, onReject: [reportAs(code)] });
    this.#rules = [
      maxDepthRule({ n: settings.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...callbacks(OperationLimitCode.DEPTH_LIMIT_EXCEEDED) }),
      maxAliasesRule({ n: settings.maxAliases, ...callbacks(OperationLimitCode.ALIAS_LIMIT_EXCEEDED) }),
      maxDirectivesRule({ n: settings.maxDirectives, ...callbacks(OperationLimitCode.DIRECTIVE_LIMIT_EXCEEDED) }),
    ];
  }

  /**
   * The token limit, for a document's text before it is parsed (the WebSocket path; Apollo
   * Server's parser applies `maxTokens` itself): a long document is refused before the work of
   * parsing and validating it.
   */
  checkTokens(text: string): readonly GraphQLError[] {
    return countTokens(text, this.settings.maxTokens) > this.settings.maxTokens ? [tooManyTokens(this.settings.maxTokens)] : [];
  }

  /** The limits a valid operation exceeds, each as an error with its own code; none when it may run. */
  check(request: OperationToCheck): readonly GraphQLError[] {
    const known = this.#documentChecked(request.document);
    if (known.errors.length > 0) return known.errors;
    const operation = getOperationAST(request.document, request.operationName ?? undefined);
    // No single operation to run: the caller refuses that with its own message.
    if (!operation) return [];
    const key = operation.name?.value ?? '';
    let cost = known.costs.get(key);
    if (cost === undefined) {
      const computed = operationCost(this.schema, request.document, operation, request.variables ?? {});
      cost = computed.cost;
      if (!computed.readVariables) known.costs.set(key, cost);
    }
    if (cost <= this.settings.maxCost) return [];
    return [
      limitError(
        OperationLimitCode.COST_LIMIT_EXCEEDED,
        `Query cost limit of ${this.settings.maxCost} exceeded, found ${cost}: each field counts once for every item of the lists above it (first/last, or the default page size).`,
      ),
    ];
  }

  #documentChecked(document: DocumentNode) {
    let known = this.#byDocument.get(document);
    if (!known) {
      known = { errors: validate(this.schema, document, this.#rules), costs: new Map() };
      this.#byDocument.set(document, known);
    }
    return known;
  }
}
