import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from 'graphql-ws';
import { as, collect, signUpUser, wsClient, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

// From sequence 0 of a fresh room: whenever a subscription goes live, nothing sent before is missed.
const MESSAGE_ADDED = `subscription($roomId: ID!) { messageAdded(roomId: $roomId, afterSequence: 0) { sequence content sender { displayName } } }`;
const pick = (data: Record<string, unknown>) => data.messageAdded as { sequence: number; content: string };

/**
 * Two gateways, each in front of its own community process, on one database: whichever
 * process a message is sent through, every subscriber on either receives it.
 */
function fanOut(transport: string, community: Record<string, string>) {
  describe(`fan-out across processes (${transport})`, () => {
    let stack: TestStack;
    const clients: Client[] = [];

    beforeAll(async () => {
      stack = await startStack({ second: true, community });
    }, 60_000);

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await stack?.stop();
    });

    it('delivers every message to every subscriber, whichever process it was sent through', async () => {
      const members: SignedUpUser[] = [];
      for (const name of ['Ann', 'Ben', 'Cat', 'Dan']) members.push(await signUpUser(stack, name));
      const [owner, ...others] = members as [SignedUpUser, ...SignedUpUser[]];
      const { createChatRoom } = await as<{ createChatRoom: { id: string } }>(
        stack,
        owner,
        'mutation($input: CreateChatRoomInput!) { createChatRoom(input: $input) { id } }',
        { input: { name: 'Fan-out', kind: 'GROUP', memberIds: others.map((m) => m.id) } },
      );
      const gateways = [stack.gateway.url, stack.secondGateway!.url];
      const subscribers = members.map((member, i) => {
        const client = wsClient(gateways[i % 2]!, member);
        clients.push(client);
        return collect(client, MESSAGE_ADDED, { roomId: createChatRoom.id }, pick);
      });
      await new Promise((resolve) => setTimeout(resolve, 500));

      const sendThrough = async (url: string, sender: SignedUpUser, content: string) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${sender.accessToken}` },
          body: JSON.stringify({ query: 'mutation($r: ID!, $c: String!) { sendMessage(roomId: $r, content: $c) { sequence } }', variables: { r: createChatRoom.id, c: content } }),
        });
        const body = (await response.json()) as { errors?: unknown };
        expect(body.errors).toBeUndefined();
      };
      for (let i = 0; i < 20; i++) await sendThrough(gateways[i % 2]!, members[i % members.length]!, `m${i}`);

      for (const subscriber of subscribers) {
        const events = await subscriber.waitFor(20);
        expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(events.map((e) => e.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
        expect(subscriber.errors).toEqual([]);
        subscriber.stop();
      }
    }, 60_000);
  });
}

fanOut('PostgreSQL LISTEN/NOTIFY', {});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) fanOut('Redis pub/sub', { redisUrl });
else console.log('Redis fan-out not run: set REDIS_URL (e.g. redis://127.0.0.1:6379) to test it; LISTEN/NOTIFY, the default, is tested.');
