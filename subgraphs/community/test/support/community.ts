// Helpers for the community tests: the subgraph on its own database, requests as a given user,
// and graphql-ws connections made the way the gateway makes them.
import { CALLER_HEADER, signCallerToken, type Viewer } from '@academy/service-kit';
import { startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import { buildCommunitySubgraph, type CommunityServiceOptions, type OpenedFeed } from '../../src/server.js';

export type CommunityTestSubgraph = TestSubgraph<ReturnType<typeof buildCommunitySubgraph>>;

/** community on a database of its own, with `extra` options. */
export function startCommunity(extra: Partial<CommunityServiceOptions> = {}): Promise<CommunityTestSubgraph> {
  return startTestSubgraph((options) => buildCommunitySubgraph({ backgroundWork: false, ...options, ...extra }), 'academy_community');
}

/** A signed-in learner with a fresh id. */
export function newUser(): Viewer {
  return { userId: randomUUID(), roles: ['LEARNER'] };
}

/** The subgraph's graphql-ws URL (the same port and path as HTTP). */
/** The audience of the caller tokens community accepts. */
const SUBGRAPH = 'community';

export const subscriptionsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/** Something that posts operations as the gateway would: a test subgraph, or `requester()` for another process. */
export type Requester = Pick<CommunityTestSubgraph, 'request'>;

/** Posts operations to the GraphQL endpoint at `url`, signed with `secret` as the gateway signs them. */
export function requester(url: string, secret: string): Requester {
  return {
    async request(query, variables, options = {}) {
      const caller = { viewer: options.viewer ?? null, clientAddress: '127.0.0.1', requestId: null };
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CALLER_HEADER]: await signCallerToken(caller, secret, SUBGRAPH) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
  };
}

/** Posts an operation as `viewer` and returns its data, failing on any error. */
export async function run<T = Record<string, any>>(
  subgraph: Requester,
  viewer: Viewer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const { body } = await subgraph.request<T>(query, variables, { viewer });
  if (body.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** Posts an operation as `viewer` expecting it to fail; returns the first error's code. */
export async function errorCode(
  subgraph: Requester,
  viewer: Viewer | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<string | undefined> {
  const { body } = await subgraph.request(query, variables, { viewer });
  return body.errors?.[0]?.extensions?.code;
}

export const CREATE_ROOM = `mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id name kind members { user { id } role } } }`;
export const SEND = `mutation($roomId: ID!, $content: String!, $clientMessageId: String) {
  sendMessage(roomId: $roomId, content: $content, clientMessageId: $clientMessageId) { id sequence content clientMessageId sender { id } }
}`;
export const ADD_MEMBER = `mutation($roomId: ID!, $userId: ID!, $role: ChatMemberRole) { addChatMember(roomId: $roomId, userId: $userId, role: $role) { id } }`;
export const REMOVE_MEMBER = `mutation($roomId: ID!, $userId: ID!) { removeChatMember(roomId: $roomId, userId: $userId) { id } }`;

/** Creates a GROUP room owned by `owner` with `members`; returns its id. */
export async function createRoom(subgraph: Requester, owner: Viewer, members: Viewer[], name = 'Study group'): Promise<string> {
  const data = await run<{ createChatRoom: { id: string } }>(subgraph, owner, CREATE_ROOM, {
    input: { name, kind: 'GROUP', memberIds: members.map((m) => m.userId) },
  });
  return data.createChatRoom.id;
}

/** Sends a message as `sender`; returns its sequence. */
export async function send(subgraph: Requester, sender: Viewer, roomId: string, content: string): Promise<number> {
  const data = await run<{ sendMessage: { sequence: number } }>(subgraph, sender, SEND, { roomId, content });
  return data.sendMessage.sequence;
}

/** Runs `count` sends, `concurrency` at a time, as the given senders in turn; returns the sequences. */
export async function sendMany(
  subgraph: Requester,
  senders: Viewer[],
  roomId: string,
  count: number,
  label = 'message',
): Promise<number[]> {
  // One lane per sender, each sending its share one after another: `senders.length` at once.
  const lanes = senders.map(async (sender, lane) => {
    const sequences: number[] = [];
    for (let i = lane; i < count; i += senders.length) sequences.push(await send(subgraph, sender, roomId, `${label} ${i}`));
    return sequences;
  });
  return (await Promise.all(lanes)).flat();
}

/** A superuser connection to the test database, for fixtures and assertions. */
export async function adminClient(subgraph: CommunityTestSubgraph): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await client.connect();
  return client;
}

/** A graphql-ws connection as the gateway makes it: `connection_init` carries `{ gateway: <caller token> }`. */
export function connectAsGateway(url: string, secret: string | null): Client {
  return createClient({
    url: subscriptionsUrl(url),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: async () =>
      secret === null ? {} : { gateway: await signCallerToken({ viewer: null, clientAddress: null, requestId: null }, secret, SUBGRAPH) },
  });
}

/** What one subscription received, with ways to wait for exactly what a test expects. */
export class Received<T> {
  readonly values: T[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  /** The close event or error that ended the subscription, if any. */
  failure: unknown = null;
  readonly #watchers: { ready: () => boolean; resolve: () => void }[] = [];
  #unsubscribe: () => void = () => undefined;

  attach(unsubscribe: () => void): void {
    this.#unsubscribe = unsubscribe;
  }

  onNext(result: FormattedExecutionResult<Record<string, T>, unknown>, field: string): void {
    if (result.errors) this.errors.push(...result.errors);
    const value = result.data?.[field];
    if (value !== undefined && value !== null) this.values.push(value);
    this.#check();
  }

  onEnd(failure: unknown): void {
    this.completed = true;
    this.failure = failure;
    this.#check();
  }

  /** Resolves once `ready()` holds (checked after every event); the test's timeout bounds the wait. */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ ready, resolve }));
  }

  /** Resolves once `count` values arrived. */
  count(count: number): Promise<void> {
    return this.until(() => this.values.length >= count || this.completed);
  }

  /** Resolves once the subscription ended (complete, error or closed socket). */
  ended(): Promise<void> {
    return this.until(() => this.completed);
  }

  /** Unsubscribes (sends `complete`). */
  stop(): void {
    this.#unsubscribe();
  }

  #check(): void {
    for (let i = this.#watchers.length - 1; i >= 0; i--) {
      const watcher = this.#watchers[i]!;
      if (watcher.ready()) {
        this.#watchers.splice(i, 1);
        watcher.resolve();
      }
    }
  }
}

/**
 * Subscribes on the gateway connection `client` on behalf of `viewer`, the caller signed into
 * `extensions.caller` as the gateway does; `field` is the root field whose values are collected.
 */
export async function subscribeAs<T = Record<string, any>>(
  client: Client,
  secret: string,
  viewer: Viewer | null,
  field: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { caller?: string | null } = {},
): Promise<Received<T>> {
  const received = new Received<T>();
  const caller =
    options.caller !== undefined ? options.caller : await signCallerToken({ viewer, clientAddress: '127.0.0.1', requestId: randomUUID() }, secret, SUBGRAPH);
  const extensions = caller === null ? {} : { caller };
  received.attach(
    client.subscribe<Record<string, T>>(
      { query, variables, extensions },
      {
        next: (result) => received.onNext(result, field),
        error: (error) => {
          if (Array.isArray(error)) received.errors.push(...error);
          received.onEnd(error);
        },
        complete: () => received.onEnd(null),
      },
    ),
  );
  return received;
}

export const MESSAGE_ADDED = `subscription($roomId: ID!, $afterSequence: Int) {
  messageAdded(roomId: $roomId, afterSequence: $afterSequence) { __typename id sequence content sender { __typename id } room { __typename id } }
}`;

export interface MessageEvent {
  __typename: string;
  id: string;
  sequence: number;
  content: string;
  sender: { __typename: string; id: string } | null;
  room: { __typename: string; id: string };
}

/** 1..n */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Records the feeds the server reports live (the service's `onFeedOpened`), so a test knows
 * when a subscription can no longer miss anything: graphql-ws acknowledges no subscribe.
 */
export class FeedWatcher {
  readonly #opened: OpenedFeed[] = [];
  readonly #waiters: { match: (feed: OpenedFeed) => boolean; resolve: () => void }[] = [];

  readonly observe = (feed: OpenedFeed): void => {
    const index = this.#waiters.findIndex((w) => w.match(feed));
    if (index >= 0) this.#waiters.splice(index, 1)[0]!.resolve();
    else this.#opened.push(feed);
  };

  /** Forgets the feeds opened so far (call between tests). */
  reset(): void {
    this.#opened.length = 0;
  }

  /** Resolves when a feed of `userId` (of `roomId`, for messages) is live; each opening is waited for once. */
  next(kind: OpenedFeed['kind'], userId: string, roomId?: string): Promise<void> {
    const match = (feed: OpenedFeed) => feed.kind === kind && feed.userId === userId && (feed.kind !== 'messages' || feed.roomId === roomId);
    const index = this.#opened.findIndex(match);
    if (index >= 0) {
      this.#opened.splice(index, 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}
