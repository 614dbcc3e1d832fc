import { CloseCode, type Logger } from '@academy/service-kit';
import type { CallerSigner } from '../caller-signing.js';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import { SUBPROTOCOL } from './protocol.js';

/** What the gateway sends a subgraph for one subscriber. */
export interface UpstreamRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** The subscriber, signed by the gateway for this subgraph (which verifies it as on HTTP). */
  callerToken: string;
}

/** Where an upstream subscription's events go. */
export interface UpstreamSink {
  /**
   * An event. Subscribers that received the same event text get the same object: it is shared,
   * and must be read only (copy it before handing it to anything that writes into it).
   */
  next(result: ExecutionResult<Record<string, unknown>>): void;
  /** The subgraph refused or ended it with errors, or the socket was lost (an Error). */
  error(error: readonly GraphQLFormattedError[] | Error): void;
  complete(): void;
}

/** How long a socket without subscriptions stays open, in case another comes. */
const IDLE_CLOSE_MS = 5_000;

/**
 * A `next` frame as graphql-ws's server writes it: `{"id":"<id>","type":"next","payload":<payload>}`.
 * Our ids are decimal, so the id ends at the first quote after the prefix.
 */
const NEXT_PREFIX = '{"id":"';
const NEXT_INFIX = '","type":"next","payload":';

/** Distinct event texts remembered: a burst of messages to different rooms interleaves their frames. */
const RECENT_EVENTS = 64;

/**
 * The events of recent `next` frames, by their payload's text. One message to a room of 500 is
 * 500 frames on the socket that differ only in their id: the payload is parsed once and the
 * 500 subscribers get the same object, which also lets the engine recognise the event as one.
 */
class RecentEvents {
  readonly #byText = new Map<string, ExecutionResult<Record<string, unknown>>>();

  parse(text: string): ExecutionResult<Record<string, unknown>> {
    let event = this.#byText.get(text);
    if (event === undefined) {
      event = JSON.parse(text) as ExecutionResult<Record<string, unknown>>;
      if (this.#byText.size >= RECENT_EVENTS) this.#byText.delete(this.#byText.keys().next().value!);
      this.#byText.set(text, event);
    }
    return event;
  }
}

/**
 * One GraphQL-over-WebSocket socket per subgraph, multiplexing every subscription the gateway
 * forwards to it. The socket authenticates as the gateway; each subscription carries its own
 * signed caller, so ten thousand subscribers need one socket, not ten thousand. Each
 * subscription costs one map entry: the gateway holds them for hours, by the ten thousand.
 */
export class UpstreamSubscriptions {
  readonly #sockets = new Map<string, UpstreamSocket>();

  constructor(
    private readonly urls: Record<string, string>,
    private readonly signer: CallerSigner,
    private readonly logger: Logger,
  ) {}

  /** Subscribes at `serviceName`; returns the function that unsubscribes. */
  subscribe(serviceName: string, request: UpstreamRequest, sink: UpstreamSink): () => void {
    return this.#socket(serviceName).subscribe(request, sink);
  }

  #socket(serviceName: string): UpstreamSocket {
    const existing = this.#sockets.get(serviceName);
    if (existing && !existing.closed) return existing;
    const httpUrl = this.urls[serviceName];
    if (!httpUrl) throw new Error(`no URL for subgraph ${serviceName}`);
    const url = new URL(httpUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new UpstreamSocket(url.toString(), () => this.signer.sign({ viewer: null, clientAddress: null, requestId: null }, serviceName), (code) => {
      if (this.#sockets.get(serviceName) === socket) this.#sockets.delete(serviceName);
      if (code !== CloseCode.NormalClosure) this.logger.debug('upstream subscription socket closed', { subgraph: serviceName, code });
    });
    this.#sockets.set(serviceName, socket);
    return socket;
  }

  async close(): Promise<void> {
    const sockets = [...this.#sockets.values()];
    this.#sockets.clear();
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}

/** One subgraph's socket and the subscriptions on it. */
class UpstreamSocket {
  closed = false;
  readonly #ws: WebSocket;
  readonly #sinks = new Map<string, UpstreamSink>();
  readonly #events = new RecentEvents();
  /** Messages waiting for the connection to be acknowledged. */
  #pending: string[] | null = [];
  #nextId = 1;
  #idle: NodeJS.Timeout | null = null;
  readonly #ended: Promise<void>;

  constructor(
    url: string,
    credentials: () => Promise<string>,
    private readonly onClosed: (code: number) => void,
  ) {
    this.#ws = new WebSocket(url, SUBPROTOCOL);
    this.#ended = new Promise((resolve) => this.#ws.once('close', () => resolve()));
    this.#ws.on('open', () => {
      credentials().then(
        (gateway) => this.#ws.send(JSON.stringify({ type: 'connection_init', payload: { gateway } })),
        (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
      );
    });
    this.#ws.on('message', (data) => this.#receive(String(data)));
    this.#ws.on('error', (error) => this.#fail(error));
    this.#ws.on('close', (code, reason) => this.#fail(new Error(`the subgraph closed the subscription socket (${code} ${String(reason)})`), code));
  }

  subscribe(request: UpstreamRequest, sink: UpstreamSink): () => void {
    const id = String(this.#nextId++);
    this.#sinks.set(id, sink);
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = null;
    }
    this.#send(
      JSON.stringify({
        id,
        type: 'subscribe',
        payload: { query: request.query, operationName: request.operationName, variables: request.variables, extensions: { caller: request.callerToken } },
      }),
    );
    return () => {
      if (!this.#sinks.delete(id)) return;
      this.#send(`{"id":"${id}","type":"complete"}`);
      this.#closeWhenIdle();
    };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.#ws.close(CloseCode.NormalClosure, 'The gateway is shutting down.');
    }
    if (this.#ws.readyState !== WebSocket.CLOSED) await this.#ended;
  }

  #send(message: string): void {
    if (this.#pending) this.#pending.push(message);
    else if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(message);
  }

  #receive(data: string): void {
    if (this.#receiveNext(data)) return;
    let message: { type?: unknown; id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      this.#fail(new Error('the subgraph sent a message that is not JSON'));
      return;
    }
    switch (message.type) {
      case 'connection_ack': {
        const pending = this.#pending ?? [];
        this.#pending = null;
        for (const queued of pending) this.#ws.send(queued);
        return;
      }
      case 'next':
        this.#sinks.get(String(message.id))?.next(message.payload as ExecutionResult<Record<string, unknown>>);
        return;
      case 'error': {
        const sink = this.#sinks.get(String(message.id));
        this.#sinks.delete(String(message.id));
        sink?.error(Array.isArray(message.payload) ? (message.payload as GraphQLFormattedError[]) : new Error('the subgraph refused the subscription'));
        this.#closeWhenIdle();
        return;
      }
      case 'complete': {
        const sink = this.#sinks.get(String(message.id));
        this.#sinks.delete(String(message.id));
        sink?.complete();
        this.#closeWhenIdle();
        return;
      }
      case 'ping':
        this.#send('{"type":"pong"}');
        return;
      default:
        return;
    }
  }

  /**
   * The frequent case, a `next` frame in graphql-ws's layout, without parsing the frame: its id,
   * and its payload shared with every other subscriber's copy. False for anything else (then
   * the frame is parsed whole); a payload that is not JSON on its own means the frame was not
   * in that layout after all.
   */
  #receiveNext(data: string): boolean {
    if (!data.startsWith(NEXT_PREFIX) || !data.endsWith('}')) return false;
    const idEnd = data.indexOf('"', NEXT_PREFIX.length);
    if (idEnd < 0 || !data.startsWith(NEXT_INFIX, idEnd)) return false;
    let event: ExecutionResult<Record<string, unknown>>;
    try {
      event = this.#events.parse(data.slice(idEnd + NEXT_INFIX.length, -1));
    } catch {
      return false;
    }
    this.#sinks.get(data.slice(NEXT_PREFIX.length, idEnd))?.next(event);
    return true;
  }

  /** The socket is gone: every subscription on it ends with an error (clients resume by sequence). */
  #fail(error: Error, code: number = CloseCode.AbnormalClosure): void {
    const wasClosed = this.closed;
    this.closed = true;
    if (this.#idle) clearTimeout(this.#idle);
    const sinks = [...this.#sinks.values()];
    this.#sinks.clear();
    for (const sink of sinks) sink.error(error);
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) this.#ws.terminate();
    if (!wasClosed || code === CloseCode.NormalClosure) this.onClosed(code);
  }

  #closeWhenIdle(): void {
    if (this.#sinks.size > 0 || this.#idle || this.closed) return;
    this.#idle = setTimeout(() => {
      if (this.#sinks.size === 0) void this.close();
    }, IDLE_CLOSE_MS);
    this.#idle.unref();
  }
}
