import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { ErrorCode } from '@academy/service-kit';
import { as, signUpUser, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

// Subgraphs are stopped here one after another: this file has a stack of its own.
let stack: TestStack;
let alice: SignedUpUser;
let bob: SignedUpUser;

beforeAll(async () => {
  stack = await startStack();
  alice = await signUpUser(stack, 'Alice');
  bob = await signUpUser(stack, 'Bob');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

interface Frame {
  id?: string;
  type: string;
  payload?: { data?: { messageAdded?: { sequence: number; sender: { displayName: string } | null } | null }; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** Bob's raw socket: every frame it receives, and a way to wait for one. */
async function bobsSocket() {
  const ws = new WebSocket(stack.gateway.url.replace('http://', 'ws://'), 'graphql-transport-ws');
  const frames: Frame[] = [];
  let arrived = () => {};
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    arrived();
  });
  ws.on('close', () => arrived());
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${bob.accessToken}` } }));
  const waitFor = async (match: (frame: Frame) => boolean): Promise<Frame> => {
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CONNECTING) throw new Error(`the socket closed; frames: ${JSON.stringify(frames)}`);
      await new Promise<void>((resolve) => (arrived = resolve));
    }
  };
  await waitFor((frame) => frame.type === 'connection_ack');
  return { ws, frames, waitFor };
}

const send = (roomId: string, content: string) =>
  as<{ sendMessage: { sequence: number } }>(stack, alice, 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', { r: roomId, c: content });

const MESSAGE_ADDED = 'subscription($r: ID!) { messageAdded(roomId: $r, afterSequence: 0) { sequence content sender { displayName } } }';

describe('errors inside a running subscription', () => {
  it('deliver a failed entity fetch as an error with a code beside the event, go on, and end with SUBSCRIPTION_INTERRUPTED when the owning subgraph goes, keeping the socket', async () => {
    const { createChatRoom } = await as<{ createChatRoom: { id: string } }>(
      stack,
      alice,
      'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }',
      { input: { name: 'Faults', kind: 'GROUP', memberIds: [bob.id] } },
    );
    const socket = await bobsSocket();
    socket.ws.send(JSON.stringify({ id: 'chat', type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { r: createChatRoom.id } } }));
    // The event with `sequence`, or the subscription's end if it comes first.
    const event = async (sequence: number) => {
      const frame = await socket.waitFor(
        (f) => f.id === 'chat' && ((f.type === 'next' && f.payload?.data?.messageAdded?.sequence === sequence) || f.type === 'complete'),
      );
      expect(frame).toMatchObject({ type: 'next' });
      return frame.payload!;
    };

    await send(createChatRoom.id, 'one');
    expect(await event(1)).toEqual({ data: { messageAdded: { sequence: 1, content: 'one', sender: { displayName: alice.displayName } } } });

    // identity goes: the sender cannot be resolved, the message still arrives.
    await stack.subgraphs.identity.stop();
    await send(createChatRoom.id, 'two');
    const second = await event(2);
    expect(second.data).toEqual({ messageAdded: { sequence: 2, content: 'two', sender: null } });
    expect(second.errors).toHaveLength(1);
    expect(second.errors![0]!.extensions?.code).toEqual(expect.any(String));
    expect(JSON.stringify(second.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|\bat \w/);
    await send(createChatRoom.id, 'three');
    expect((await event(3)).data).toEqual({ messageAdded: { sequence: 3, content: 'three', sender: null } });

    // community, which owns the stream, goes: the subscription ends with a code that says what to do.
    await stack.subgraphs.community.stop();
    const interrupted = await socket.waitFor((frame) => frame.id === 'chat' && frame.type === 'next' && frame.payload?.errors !== undefined && !frame.payload.data);
    expect(interrupted.payload!.errors!.map((e) => e.extensions?.code)).toEqual([ErrorCode.SUBSCRIPTION_INTERRUPTED]);
    await socket.waitFor((frame) => frame.id === 'chat' && frame.type === 'complete');

    // Subscribing while it is away is answered the same way, on the same socket.
    socket.ws.send(JSON.stringify({ id: 'again', type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { r: createChatRoom.id } } }));
    const refused = await socket.waitFor((frame) => frame.id === 'again' && (frame.type === 'next' || frame.type === 'error'));
    expect(JSON.stringify(refused.payload)).toMatch(/SUBSCRIPTION_INTERRUPTED/);
    await socket.waitFor((frame) => frame.id === 'again' && frame.type === 'complete');
    socket.ws.send(JSON.stringify({ type: 'ping' }));
    await socket.waitFor((frame) => frame.type === 'pong');
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
  });
});
