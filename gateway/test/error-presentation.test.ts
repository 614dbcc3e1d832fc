import { describe, expect, it } from '@jest/globals';
import { createLogger, ErrorCode, OperationLimitCode } from '@academy/service-kit';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, parse } from 'graphql';
import { createGatewayErrorFormatter } from '../src/limits/index.js';

const logger = createLogger('silent', { service: 'test' });
const development = createGatewayErrorFormatter(logger, { production: false, maxTokens: 1000 });
const production = createGatewayErrorFormatter(logger, { production: true, maxTokens: 1000 });
const format = (formatter: typeof production, error: GraphQLError) => formatter(error.toJSON(), error);

const suggestions = [
  new GraphQLError('Cannot query field "totalCont" on type "CourseConnection". Did you mean "totalCount"?', { extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED } }),
  new GraphQLError('Unknown argument "frist" on field "Query.courses". Did you mean "first" or "last"?', { extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED } }),
  new GraphQLError('Variable "$r" got invalid value "ADMN"; Value "ADMN" does not exist in "Role" enum. Did you mean the enum value "ADMIN"?', {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  }),
];

describe('the gateway error formatter', () => {
  it('removes "Did you mean …" from every message in production, and keeps them in development', () => {
    expect(suggestions.map((error) => format(production, error).message)).toEqual([
      'Cannot query field "totalCont" on type "CourseConnection".',
      'Unknown argument "frist" on field "Query.courses".',
      'Variable "$r" got invalid value "ADMN"; Value "ADMN" does not exist in "Role" enum.',
    ]);
    for (const error of suggestions) expect(format(development, error).message).toBe(error.message);
  });

  it('does not name the subgraph an error came from in production', () => {
    const fromSubgraph = new GraphQLError('"first" must be between 0 and 100.', { path: ['courses'], extensions: { code: ErrorCode.BAD_USER_INPUT, serviceName: 'learning' } });
    expect(format(production, fromSubgraph)).toEqual({ message: '"first" must be between 0 and 100.', path: ['courses'], extensions: { code: ErrorCode.BAD_USER_INPUT } });
    expect(format(development, fromSubgraph).extensions?.serviceName).toBe('learning');
  });

  it("names the parser's token limit with its own code", () => {
    let syntaxError: GraphQLError | undefined;
    try {
      parse(`{ ${'__typename '.repeat(1000)}}`, { maxTokens: 1000 });
    } catch (error) {
      syntaxError = new GraphQLError((error as GraphQLError).message, { extensions: { code: ApolloServerErrorCode.GRAPHQL_PARSE_FAILED } });
    }
    expect(format(production, syntaxError!)).toEqual({ message: 'Token limit of 1000 exceeded.', extensions: { code: OperationLimitCode.TOKEN_LIMIT_EXCEEDED } });
  });

  it('still masks unexpected failures', () => {
    const failure = new GraphQLError('connect ECONNREFUSED 127.0.0.1:5432', { originalError: new Error('connect ECONNREFUSED 127.0.0.1:5432') });
    expect(format(production, failure)).toMatchObject({ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  });
});
