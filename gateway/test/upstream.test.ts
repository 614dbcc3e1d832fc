import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@academy/service-kit';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallerSigner } from '../src/caller-signing.js';
import { UpstreamSubscriptions, type UpstreamSink } from '../src/subscriptions/upstream.js';

const SECRET = 'x'.repeat(40);
let server: WebSocketServer | undefined;

/** A subgraph's socket, by hand: acknowledges, answers each subscribe with one event, records what it got. */
async function fakeSubgraph() {
  const received: Record<string, unknown>[] = [];
  const sockets: WebSocket[] = [];
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'graphql-transport-ws' });
  server.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string };
      received.push(message);
      if (message.type === 'connection_init') ws.send(JSON.stringify({ type: 'connection_ack' }));
      if (message.type === 'subscribe') ws.send(JSON.stringify({ id: message.id, type: 'next', payload: { data: { n: 1 } } }));
    });
  });
  await new Promise((resolve) => server!.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, received, sockets };
}

function sink() {
  const seen = { events: [] as unknown[], errors: [] as unknown[], completed: false };
  const handlers: UpstreamSink = {
    next: (result) => seen.events.push(result),
    error: (error) => seen.errors.push(error),
    complete: () => (seen.completed = true),
  };
  return { seen, handlers };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describe('upstream subscriptions', () => {
  it('multiplexes subscriptions on one socket, authenticated as the gateway, and completes them on unsubscribe', async () => {
    const subgraph = await fakeSubgraph();
    const upstream = new UpstreamSubscriptions({ community: subgraph.url }, new CallerSigner(SECRET), createLogger('silent'));
    const [a, b] = [sink(), sink()];
    const stopA = upstream.subscribe('community', { query: 'subscription { n }', variables: {}, callerToken: 'caller-a' }, a.handlers);
    upstream.subscribe('community', { query: 'subscription { n }', variables: {}, callerToken: 'caller-b' }, b.handlers);
    await until(() => a.seen.events.length === 1 && b.seen.events.length === 1);
    expect(subgraph.sockets).toHaveLength(1);
    const init = subgraph.received.find((m) => m.type === 'connection_init') as { payload: { gateway: string } };
    expect(init.payload.gateway.split('.')).toHaveLength(3);
    const subscribes = subgraph.received.filter((m) => m.type === 'subscribe') as { payload: { extensions: { caller: string } } }[];
    expect(subscribes.map((m) => m.payload.extensions.caller)).toEqual(['caller-a', 'caller-b']);
    stopA();
    await until(() => subgraph.received.some((m) => m.type === 'complete'));
    await upstream.close();
  });

  it('hands every subscriber of the same event text one parsed event; other events and other frame layouts arrive as sent', async () => {
    const subgraph = await fakeSubgraph();
    const upstream = new UpstreamSubscriptions({ community: subgraph.url }, new CallerSigner(SECRET), createLogger('silent'));
    const subscribers = [sink(), sink(), sink()];
    for (const s of subscribers) upstream.subscribe('community', { query: 'subscription { n }', variables: {}, callerToken: 't' }, s.handlers);
    await until(() => subscribers.every((s) => s.seen.events.length === 1));
    const [first, second, third] = subscribers.map((s) => s.seen.events[0]);
    expect(first).toEqual({ data: { n: 1 } });
    expect(second).toBe(first);
    expect(third).toBe(first);
    // Another event, then a frame whose keys come in another order: each reaches its subscriber only.
    const [socket] = subgraph.sockets;
    socket!.send(JSON.stringify({ id: '1', type: 'next', payload: { data: { n: 2 } } }));
    socket!.send(JSON.stringify({ type: 'next', payload: { data: { n: 3 } }, id: '2' }));
    await until(() => subscribers[0]!.seen.events.length === 2 && subscribers[1]!.seen.events.length === 2);
    expect(subscribers.map((s) => s.seen.events.slice(1))).toEqual([[{ data: { n: 2 } }], [{ data: { n: 3 } }], []]);
    await upstream.close();
  });

  it('ends every subscription with an error when the socket is lost', async () => {
    const subgraph = await fakeSubgraph();
    const upstream = new UpstreamSubscriptions({ community: subgraph.url }, new CallerSigner(SECRET), createLogger('silent'));
    const subscribers = [sink(), sink()];
    for (const s of subscribers) upstream.subscribe('community', { query: 'subscription { n }', variables: {}, callerToken: 't' }, s.handlers);
    await until(() => subscribers.every((s) => s.seen.events.length === 1));
    for (const socket of subgraph.sockets) socket.terminate();
    await until(() => subscribers.every((s) => s.seen.errors.length === 1));
    expect(subscribers.every((s) => s.seen.errors[0] instanceof Error && !s.seen.completed)).toBe(true);
    // The next subscription opens a new socket.
    const again = sink();
    upstream.subscribe('community', { query: 'subscription { n }', variables: {}, callerToken: 't' }, again.handlers);
    await until(() => again.seen.events.length === 1);
    expect(subgraph.sockets).toHaveLength(2);
    await upstream.close();
  });
});
