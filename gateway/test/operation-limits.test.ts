import { describe, expect, it } from '@jest/globals';
import { OperationLimitCode } from '@academy/service-kit';
import { getOperationAST, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { loadGatewayConfig, operationLimitSettings } from '../src/config.js';
import { countTokens, operationCost, OperationLimits } from '../src/limits/index.js';
import { apiSchema, clientOperations } from './support/client-operations.js';

const schema: GraphQLSchema = apiSchema();
const defaults = operationLimitSettings(loadGatewayConfig({ GATEWAY_SECRET: 'x'.repeat(32) }));
const limits = new OperationLimits(schema, defaults);

const costOf = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, variables).cost;
};
/** The codes of the limits an operation exceeds, checked as the WebSocket path does: tokens first, then the rest. */
const codesOf = (query: string, variables: Record<string, unknown> = {}, operationName?: string) => {
  const tooLong = limits.checkTokens(query);
  const errors = tooLong.length > 0 ? tooLong : limits.check({ document: parse(query), operationName, variables });
  return errors.map((error) => error.extensions.code);
};

/** `courses → upcomingSessions → course → upcomingSessions …`, seven levels, anonymous: it once ran scheduling out of memory. */
export const UPCOMING_SESSIONS_CHAIN =
  '{ courses(first: 100) { edges { node { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt course { title upcomingSessions(first: 50) { startsAt endsAt } } } } } } } } } } } } } } }';
/** Three nested `first: 100` connections. */
export const NESTED_PAGES =
  '{ courses(first: 100) { edges { node { title topics { courses(first: 100) { edges { node { title topics { courses(first: 100) { edges { node { title } } } } } } } } } } } }';
/** Named fragments that spread each other twice, 25 deep: 2^24 selections once expanded. */
export const FRAGMENT_EXPANSION =
  'query { ...F0 }\n' +
  Array.from({ length: 25 }, (_, i) => (i < 24 ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Query { __typename }`)).join('\n');

describe('the cost of an operation', () => {
  it('counts each field once per item of the lists above it', () => {
    // 1 courses + 1 totalCount + 1 edges + 20 × (node title author displayName price formatted
    // upcomingSessions + 5 × (startsAt venue name)).
    const catalogue = '{ courses(first: 20) { totalCount edges { node { title author { displayName } price { formatted } upcomingSessions { startsAt venue { name } } } } } }';
    expect(costOf(catalogue)).toBe(3 + 20 * (7 + 5 * 3));
  });

  it('reads first/last from literals, variables, variable defaults and argument defaults', () => {
    const page = (first: string) => `query($n: Int = 7) { courses${first} { edges { node { id } } } }`;
    expect(costOf(page('(first: 10)'))).toBe(2 + 10 * 2);
    expect(costOf(page('(first: $n)'), { n: 40 })).toBe(2 + 40 * 2);
    expect(costOf(page('(first: $n)'))).toBe(2 + 7 * 2);
    // Connections default to 20 items; a room's messages to its `last: 50`; upcoming sessions to 5.
    expect(costOf(page(''))).toBe(2 + 20 * 2);
    expect(costOf('query($id: ID!) { chatRoom(id: $id) { messages { edges { node { id } } } } }')).toBe(3 + 50 * 2);
    expect(costOf('{ courses(first: 1) { edges { node { upcomingSessions { id } } } } }')).toBe(2 + 1 * (2 + 5));
  });

  it('counts a page as at most 100 items and at least 1 (an empty page is still planned)', () => {
    expect(costOf('{ courses(first: 5000) { edges { node { id } } } }')).toBe(2 + 100 * 2);
    expect(costOf('{ courses(first: 0) { edges { node { id } } } }')).toBe(2 + 1 * 2);
  });

  it('counts lists without paging arguments as 20 items, and introspection as nothing', () => {
    expect(costOf('{ topics { name } }')).toBe(1 + 20);
    expect(costOf('{ __schema { types { name fields { name args { name } } } } __typename }')).toBe(1);
  });

  it('costs each named fragment once, without expanding it (2^24 selections)', () => {
    expect(costOf(FRAGMENT_EXPANSION)).toBe(2 ** 24);
    expect(costOf('{ courses(first: 30) { ...page } } fragment page on CourseConnection { totalCount edges { node { id } } }')).toBe(1 + 2 + 30 * 2);
  });
});

describe('the operation limits (defaults)', () => {
  it('refuse the shapes that exhausted a subgraph, each by its cost', () => {
    expect(UPCOMING_SESSIONS_CHAIN.length).toBeLessThan(400);
    expect(codesOf(UPCOMING_SESSIONS_CHAIN)).toEqual([OperationLimitCode.COST_LIMIT_EXCEEDED]);
    expect(codesOf(NESTED_PAGES)).toEqual([OperationLimitCode.COST_LIMIT_EXCEEDED]);
    expect(codesOf(FRAGMENT_EXPANSION)).toEqual([OperationLimitCode.COST_LIMIT_EXCEEDED]);
    // The same cost reached through a variable is refused as well.
    expect(codesOf('query($n: Int) { courses(first: $n) { edges { node { topics { courses(first: $n) { edges { node { id } } } } } } } }', { n: 100 })).toEqual([
      OperationLimitCode.COST_LIMIT_EXCEEDED,
    ]);
    expect(codesOf('query($n: Int) { courses(first: $n) { edges { node { topics { courses(first: $n) { edges { node { id } } } } } } } }', { n: 2 })).toEqual([]);
  });

  it('say which limit was exceeded and what the limit is', () => {
    const [refused] = limits.check({ document: parse(NESTED_PAGES) });
    expect(refused?.message).toMatch(/^Query cost limit of 10000 exceeded, found \d+/);
  });

  it('refuse a 16th level of depth, a 16th alias and a 51st directive, each with its own code', () => {
    const deep = (levels: number) => {
      // course(slug) { upcomingSessions { course { upcomingSessions { … id } } } }: `levels` fields deep.
      let selection = 'id';
      for (let level = levels - 1; level >= 1; level -= 1) selection = level === 1 ? `course(slug: "x") { ${selection} }` : level % 2 === 0 ? `upcomingSessions(first: 1) { ${selection} }` : `course { ${selection} }`;
      return `{ ${selection} }`;
    };
    expect(codesOf(deep(15))).toEqual([]);
    expect(codesOf(deep(16))).toEqual([OperationLimitCode.DEPTH_LIMIT_EXCEEDED]);
    expect(limits.check({ document: parse(deep(16)) })[0]?.message).toBe('Query depth limit of 15 exceeded, found 16.');

    // Aliases of __typename are free (graphql-armor's allow-list): these alias a field that is resolved.
    const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect(codesOf(aliases(15))).toEqual([]);
    expect(codesOf(aliases(16))).toEqual([OperationLimitCode.ALIAS_LIMIT_EXCEEDED]);

    const directives = (count: number) => `{ ${'__typename @skip(if: false) '.repeat(count)} }`;
    expect(codesOf(directives(50))).toEqual([]);
    expect(codesOf(directives(51))).toEqual([OperationLimitCode.DIRECTIVE_LIMIT_EXCEEDED]);
  });

  it('count aliases and directives in fragments once per spread, without expanding them', () => {
    const spreads = `query { ...A ...A } fragment A on Query { ...B ...B } fragment B on Query { x: me { id } y: me { id } z: me { id } w: me { id } }`;
    expect(codesOf(spreads)).toEqual([OperationLimitCode.ALIAS_LIMIT_EXCEEDED]);
  });

  it('refuse a document of more than 1,000 tokens, as the parser counts them', () => {
    const tokens = (count: number) => `{ ${'__typename '.repeat(count - 2)}}`;
    expect(countTokens(tokens(1000), 1000)).toBe(1000);
    expect(countTokens(`# a comment\n${tokens(1000)}`, 1000)).toBe(1000);
    expect(() => parse(tokens(1000), { maxTokens: 1000 })).not.toThrow();
    expect(() => parse(tokens(1001), { maxTokens: 1000 })).toThrow(/more th(?:an|at) 1000 tokens/);
    expect(codesOf(tokens(1000))).toEqual([]);
    expect(codesOf(tokens(1001))).toEqual([OperationLimitCode.TOKEN_LIMIT_EXCEEDED]);
  });
});

describe('the operations real clients send', () => {
  const operations = clientOperations(schema);
  const named = (document: DocumentNode) =>
    document.definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? [definition] : []));

  it('are collected from the README, the tests of every package and the benchmarks', () => {
    const files = new Set(operations.map((operation) => operation.file));
    for (const file of ['README.md', 'bench/http/operations.ts', 'bench/chat-subscriptions.ts', 'tests/catalogue-slice.test.ts', 'subgraphs/learning/test/learning.test.ts']) {
      expect(files).toContain(file);
    }
    expect(operations.length).toBeGreaterThan(60);
  });

  it('all pass the default limits, even with every page variable at its largest (100)', () => {
    const refused: string[] = [];
    for (const { file, document, text } of operations) {
      for (const operation of named(document)) {
        const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, 100]));
        for (const given of [{}, variables]) {
          const errors = [...limits.checkTokens(text), ...limits.check({ document, operationName: operation.name?.value, variables: given })];
          if (errors.length > 0) refused.push(`${file}: ${errors[0]!.message}\n${text}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });
});
