import { describe, expect, it } from '@jest/globals';
import { buildSchema, GraphQLError, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import { CheckedDocuments, SharedSubscriptions } from '../src/index.js';
import { ErrorCode } from '../src/error-codes.js';

const schema = buildSchema(`
  directive @viewerIndependent on FIELD_DEFINITION
  type Message {
    id: ID! @viewerIndependent
    text(upper: Boolean): String! @viewerIndependent
    "Depends on who asks."
    mine: Boolean!
  }
  type Query { ok: Boolean }
  type Subscription { messageAdded(room: ID!): Message! }
`);

interface Event {
  id: string;
  text: string;
  senderId: string;
}
const calls = { text: 0, mine: 0 };
const message = schema.getType('Message') as GraphQLObjectType;
message.getFields().text!.resolve = (m: Event, args: { upper?: boolean }) => {
  calls.text += 1;
  return args.upper ? m.text.toUpperCase() : m.text;
};
message.getFields().mine!.resolve = (m: Event, _: unknown, ctx: { viewerId: string }) => {
  calls.mine += 1;
  return m.senderId === ctx.viewerId;
};

/** A subscription field whose streams are fed by hand. */
const feeds: ((event: Event) => void)[] = [];
const subscriptionField = schema.getSubscriptionType()!.getFields().messageAdded!;
subscriptionField.subscribe = () => {
  const queue: Event[] = [];
  let wake: (() => void) | null = null;
  feeds.push((event) => {
    queue.push(event);
    wake?.();
  });
  return (async function* () {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  })();
};
subscriptionField.resolve = (event: Event) => event;

const documents = new CheckedDocuments(schema, (error) => new GraphQLError(String(error)));
const shared = new SharedSubscriptions();

async function open(query: string, viewerId: string, variableValues: Record<string, unknown> = {}) {
  const checked = documents.get(query);
  if (checked.errors) throw checked.errors[0];
  const stream = await shared.subscribe({ schema, document: checked.document, variableValues: { room: '1', ...variableValues }, contextValue: { viewerId } });
  if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream));
  return stream as AsyncIterableIterator<ExecutionResult>;
}

async function deliver(streams: AsyncIterableIterator<ExecutionResult>[], events: Event[]) {
  const from = feeds.length - streams.length;
  const results = streams.map((stream) => stream.next());
  // Every subscriber's feed gets the same event object, as a room's feed hands it out.
  for (const event of events) for (const feed of feeds.slice(from)) feed(event);
  return (await Promise.all(results)).map((r) => r.value as ExecutionResult);
}

describe('SharedSubscriptions', () => {
  it('executes a viewer-independent selection once per event for all subscribers', async () => {
    const query = 'subscription($room: ID!) { messageAdded(room: $room) { id text } }';
    const streams = await Promise.all(['a', 'b', 'c'].map((viewer) => open(query, viewer)));
    calls.text = 0;
    const results = await deliver(streams, [{ id: '1', text: 'hello', senderId: 'a' }]);
    expect(results.map((r) => r.data)).toEqual(Array(3).fill({ messageAdded: { id: '1', text: 'hello' } }));
    expect(calls.text).toBe(1);
    await Promise.all(streams.map((s) => s.return!()));
  });

  it('executes per subscriber when a field depends on the viewer', async () => {
    const query = 'subscription($room: ID!) { messageAdded(room: $room) { text mine } }';
    const streams = await Promise.all(['a', 'b'].map((viewer) => open(query, viewer)));
    calls.mine = 0;
    const results = await deliver(streams, [{ id: '2', text: 'hi', senderId: 'a' }]);
    expect(results.map((r) => r.data)).toEqual([{ messageAdded: { text: 'hi', mine: true } }, { messageAdded: { text: 'hi', mine: false } }]);
    expect(calls.mine).toBe(2);
    await Promise.all(streams.map((s) => s.return!()));
  });

  it('keeps apart subscribers whose variables change the selection', async () => {
    const query = 'subscription($room: ID!, $upper: Boolean) { messageAdded(room: $room) { text(upper: $upper) } }';
    const streams = [await open(query, 'a', { upper: true }), await open(query, 'b', { upper: false })];
    const results = await deliver(streams, [{ id: '3', text: 'mixed', senderId: 'a' }]);
    expect(results.map((r) => r.data)).toEqual([{ messageAdded: { text: 'MIXED' } }, { messageAdded: { text: 'mixed' } }]);
    await Promise.all(streams.map((s) => s.return!()));
  });

  it('passes refusals of the source stream through as results', async () => {
    const checked = documents.get('subscription { messageAdded(room: "1") { id } }');
    if (checked.errors) throw checked.errors[0];
    subscriptionField.subscribe = () => {
      throw new GraphQLError('Only members', { extensions: { code: ErrorCode.FORBIDDEN } });
    };
    const result = (await shared.subscribe({ schema, document: checked.document, contextValue: {} })) as ExecutionResult;
    expect(result.errors?.[0]?.message).toBe('Only members');
  });
});

describe('CheckedDocuments', () => {
  it('parses and validates a text once, and reports errors', () => {
    const query = 'subscription { messageAdded(room: "1") { id } }';
    expect(documents.get(query)).toBe(documents.get(query));
    expect(documents.get('subscription { nope }').errors?.[0]?.message).toMatch(/nope/);
    expect(documents.get('subscription {').errors).toHaveLength(1);
  });
});

describe('CheckedDocuments, telling syntax from validation', () => {
  const told = new CheckedDocuments(
    schema,
    (error) => new GraphQLError(`syntax: ${(error as Error).message}`),
    10,
    (errors) => errors.map((e) => new GraphQLError(`invalid: ${e.message}`)),
  );

  it('reports what validation throws as an invalid document, not as a syntax error', () => {
    expect(told.get('subscription {').errors?.[0]?.message).toMatch(/^syntax: Syntax Error/);
    expect(told.get('subscription { nope }').errors?.[0]?.message).toMatch(/^invalid: Cannot query field "nope"/);
    // The single-root-field rule cannot evaluate a variable of a root directive: it throws.
    expect(told.get('subscription($v: Boolean!) { messageAdded(room: "1") @include(if: $v) { id } }').errors?.[0]?.message).toMatch(/^invalid: .*"\$v"/);
  });
});
