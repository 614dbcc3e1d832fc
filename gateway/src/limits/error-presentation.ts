import { createErrorFormatter, type ErrorFormatter, type Logger } from '@academy/service-kit';
import { ApolloServerErrorCode, ApolloServerValidationErrorCode } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { tooManyTokens } from './operation-limits.js';

/** How errors are shown to clients. */
export interface ErrorPresentation {
  /** Production: no "Did you mean …" suggestions (they disclose the schema) and no `serviceName`. */
  production: boolean;
  /** The token limit Apollo Server's parser applies; its refusal gets the limit's own code. */
  maxTokens: number;
}

// graphql-js's suggestions: `Did you mean "a", "b", or "c"?`, `Did you mean the enum value "X"?`.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;
// graphql-js 16 writes "more that"; either spelling.
const TOKENS_EXCEEDED = /Document contains more th(?:an|at) \d+ tokens/;

/** A message without graphql-js's "Did you mean …" suggestions. */
export const withoutSuggestions = (message: string) => message.replace(SUGGESTION, '');

/**
 * The gateway's error formatter, for HTTP and WebSocket alike: service-kit's masking (codes of
 * the contract pass, anything else becomes INTERNAL_SERVER_ERROR), the token limit named as
 * such, and in production neither suggestions nor the name of the subgraph that failed.
 */
export function createGatewayErrorFormatter(logger: Logger, presentation: ErrorPresentation): ErrorFormatter {
  const masked = createErrorFormatter(logger);
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let shown = masked(formatted, error);
    if (shown.extensions?.code === ApolloServerErrorCode.GRAPHQL_PARSE_FAILED && TOKENS_EXCEEDED.test(shown.message)) {
      const refused = tooManyTokens(presentation.maxTokens);
      shown = { message: refused.message, extensions: refused.extensions };
    }
    if (!presentation.production) return shown;
    const { serviceName: _hidden, ...extensions } = shown.extensions ?? {};
    // Apollo Server's own text tells how to configure it; a client needs only the fact.
    const message =
      extensions.validationErrorCode === ApolloServerValidationErrorCode.INTROSPECTION_DISABLED
        ? 'Introspection is turned off on this server.'
        : withoutSuggestions(shown.message);
    return { ...shown, message, extensions };
  };
  return Object.assign(format, { plugin: masked.plugin, logForRequest: masked.logForRequest });
}
