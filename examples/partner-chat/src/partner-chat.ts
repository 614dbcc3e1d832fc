// A partner app for the academy API, small enough to copy: it trades its client id and secret
// for an access token (OAuth 2.0 client credentials, POST /oauth/token), follows the
// `messageAdded` feed of each of its rooms over graphql-ws, and answers every message that
// mentions it. Nothing is missed or repeated across disconnects: each room's feed is resumed
// with `afterSequence` set to the last sequence handled, and anything at or below it is
// dropped. The token is renewed before it expires; the gateway would otherwise close the
// socket with 4419 (access token expired), which this app also survives.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A message of one of the partner's rooms, as the feed delivers it. */
export interface PartnerMessage {
  roomId: string;
  id: string;
  sequence: number;
  content: string;
  /** The sender's user id; null for system messages (and messages of partner clients). */
  senderId: string | null;
}

export interface PartnerChatOptions {
  /** The gateway's base URL, e.g. http://localhost:4000 (GraphQL at /graphql, tokens at /oauth/token). */
  gatewayUrl: string;
  clientId: string;
  clientSecret: string;
  /** The rooms to follow (the client must be granted each). */
  roomIds: string[];
  /** The name it answers to: a message containing `@<name>` gets a reply. */
  name: string;
  /** The reply to a message that mentions the app; default a greeting. Return null to stay silent. */
  reply?: (message: PartnerMessage) => string | null;
  /** Where to resume each room (the last sequence already handled); default: only new messages. */
  resumeAfter?: Record<string, number>;
  /** Renew the token this many seconds before it expires (default 60, at most its lifetime less one second). */
  renewBeforeSeconds?: number;
  /** Called once per message, in sequence order per room. */
  onMessage?: (message: PartnerMessage) => void;
  /** Called with each new access token (e.g. to count renewals). */
  onToken?: (token: { expiresIn: number }) => void;
  /** Called for each failure the app recovers from (a lost socket, an unreachable gateway). */
  onError?: (error: unknown) => void;
  /** Stops the app: runPartnerChat then resolves. */
  signal?: AbortSignal;
}

/** The answer of POST /oauth/token. */
interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
}

/** A refusal no retry can mend: wrong credentials, or a room the client is not granted. */
export class PartnerChatRefused extends Error {
  override name = 'PartnerChatRefused';
}

const MESSAGE_ADDED = `subscription PartnerMessages($roomId: ID!, $after: Int) {
  messageAdded(roomId: $roomId, afterSequence: $after) { id sequence content sender { id } }
}`;

const LAST_SEQUENCE = `query PartnerRoomStart($roomId: ID!) { chatRoom(id: $roomId) { lastMessage { sequence } } }`;

const SEND_MESSAGE = `mutation PartnerReply($roomId: ID!, $content: String!, $clientMessageId: String) {
  sendMessage(roomId: $roomId, content: $content, clientMessageId: $clientMessageId) { id sequence }
}`;

/** Waits before retrying after a failure: 0.2 s, doubling, at most 5 s. */
const backoffMs = (attempt: number) => Math.min(5_000, 200 * 2 ** Math.min(attempt, 5));

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

/** Gets a token by the client-credentials grant, with the credentials in HTTP Basic (RFC 6749 §2.3.1). */
export async function fetchPartnerToken(gatewayUrl: string, clientId: string, clientSecret: string): Promise<TokenAnswer> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const response = await fetch(new URL('/oauth/token', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const body = (await response.json()) as Partial<TokenAnswer> & { error?: string };
  if (response.status === 401 || response.status === 400) throw new PartnerChatRefused(`token refused: ${body.error}`);
  if (!response.ok || !body.access_token || typeof body.expires_in !== 'number') throw new Error(`token endpoint answered ${response.status}`);
  return body as TokenAnswer;
}

/**
 * Runs the partner app until `signal` aborts (then resolves) or a refusal no retry can mend
 * (then rejects with PartnerChatRefused).
 */
export async function runPartnerChat(options: PartnerChatOptions): Promise<void> {
  const { signal } = options;
  const graphqlUrl = new URL('/graphql', options.gatewayUrl).toString();
  const last = new Map<string, number | null>(options.roomIds.map((roomId) => [roomId, options.resumeAfter?.[roomId] ?? null]));
  const reply = options.reply ?? ((message: PartnerMessage) => `Hello! ${options.name} received message #${message.sequence}.`);

  let token: { value: string; expiresAt: number } | null = null;
  let renewal: NodeJS.Timeout | undefined;
  let client: Client | null = null;
  let fatal: unknown = null;

  /** A token valid for a while yet, fetched when there is none (or it is about to expire). */
  async function currentToken(): Promise<string> {
    if (token && token.expiresAt - Date.now() > 2_000) return token.value;
    const answer = await fetchPartnerToken(options.gatewayUrl, options.clientId, options.clientSecret);
    token = { value: answer.access_token, expiresAt: Date.now() + answer.expires_in * 1000 };
    options.onToken?.({ expiresIn: answer.expires_in });
    scheduleRenewal(answer.expires_in);
    return token.value;
  }

  /**
   * Before the token expires: a new token and a new socket. The old socket is closed after the
   * new client exists, so each feed resubscribes on the new one from its last sequence.
   */
  function scheduleRenewal(expiresIn: number): void {
    clearTimeout(renewal);
    const before = Math.min(options.renewBeforeSeconds ?? 60, expiresIn - 1);
    renewal = setTimeout(() => {
      token = null;
      const old = client;
      client = newClient();
      void old?.dispose();
    }, (expiresIn - before) * 1000);
    renewal.unref();
  }

  function newClient(): Client {
    return createClient({
      url: graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      // Asked at every (re)connection: a socket always starts with a valid token.
      connectionParams: async () => ({ authorization: `Bearer ${await currentToken()}` }),
      lazy: true,
      // This app resumes each feed itself, from where it is: graphql-ws's own retry would
      // resubscribe with the variables of the first subscription.
      retryAttempts: 0,
    });
  }

  /** One GraphQL operation over HTTP; PartnerChatRefused for FORBIDDEN or BAD_USER_INPUT, Error for the rest. */
  async function request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await currentToken()}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    const error = body.errors?.[0];
    if (!error) return body.data!;
    if (error.extensions?.code === 'FORBIDDEN' || error.extensions?.code === 'BAD_USER_INPUT') throw new PartnerChatRefused(error.message);
    throw new Error(error.message);
  }

  async function send(roomId: string, content: string, clientMessageId: string): Promise<void> {
    for (let attempt = 0; !signal?.aborted; attempt++) {
      try {
        await request(SEND_MESSAGE, { roomId, content, clientMessageId });
        return;
      } catch (error) {
        if (error instanceof PartnerChatRefused) throw error;
        options.onError?.(error);
        // The clientMessageId makes a retry of a send that did arrive store nothing new.
        await sleep(backoffMs(attempt), signal);
      }
    }
  }

  async function handle(roomId: string, message: PartnerMessage): Promise<void> {
    options.onMessage?.(message);
    const mentioned = message.content.includes(`@${options.name}`) && message.senderId !== options.clientId;
    if (!mentioned) return;
    const text = reply(message);
    if (text !== null) await send(roomId, text, `reply-to-${message.id}`);
  }

  /** One room's feed, resumed after every interruption from the last sequence handled. */
  async function follow(roomId: string): Promise<void> {
    for (let attempt = 0; !signal?.aborted && !fatal; ) {
      const feedClient = (client ??= newClient());
      try {
        // Without a place to resume from, start after the room's newest message: from then on
        // every feed, first or resumed, names the last sequence handled.
        if (last.get(roomId) === null) {
          const start = await request<{ chatRoom: { lastMessage: { sequence: number } | null } | null }>(LAST_SEQUENCE, { roomId });
          last.set(roomId, start.chatRoom?.lastMessage?.sequence ?? 0);
        }
        const results = feedClient.iterate<{ messageAdded: { id: string; sequence: number; content: string; sender: { id: string } | null } }>({
          query: MESSAGE_ADDED,
          variables: { roomId, after: last.get(roomId) },
        });
        const stop = () => void results.return?.();
        signal?.addEventListener('abort', stop, { once: true });
        try {
          for await (const result of results) {
            const refused = result.errors?.find((e) => ['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT'].includes(String(e.extensions?.code)));
            if (refused) throw new PartnerChatRefused(`room ${roomId}: ${refused.message}`);
            if (result.errors) throw new Error(result.errors[0]!.message); // e.g. SUBSCRIPTION_INTERRUPTED: resume
            const added = result.data?.messageAdded;
            if (!added) continue;
            // A resumed feed may start with what was handled already: skip it.
            if (added.sequence <= (last.get(roomId) ?? 0)) continue;
            last.set(roomId, added.sequence);
            attempt = 0;
            await handle(roomId, { roomId, id: added.id, sequence: added.sequence, content: added.content, senderId: added.sender?.id ?? null });
          }
        } finally {
          signal?.removeEventListener('abort', stop);
        }
      } catch (error) {
        if (error instanceof PartnerChatRefused) {
          fatal = error;
          break;
        }
        // 4419: the token expired before it was renewed; the next socket fetches a new one.
        if ((error as { code?: number }).code === 4419) token = null;
        options.onError?.(error);
        await sleep(backoffMs(attempt++), signal);
        continue;
      }
      // The feed completed (its client was replaced, or the server ended it): resume.
      if (client === feedClient) await sleep(backoffMs(attempt++), signal);
    }
  }

  try {
    await Promise.all(options.roomIds.map((roomId) => follow(roomId)));
  } finally {
    clearTimeout(renewal);
    // Assigned inside closures, which the compiler does not follow.
    await (client as Client | null)?.dispose();
  }
  if (fatal) throw fatal;
}
