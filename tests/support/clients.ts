import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createPrivateKey } from 'node:crypto';
import { mintTestAccessToken } from '@academy/service-kit/testing';
import type { TestStack } from './stack.js';

export interface SignedUpUser {
  id: string;
  email: string;
  displayName: string;
  accessToken: string;
}

let counter = 0;

/** Signs a new user up through the gateway. */
export async function signUpUser(stack: TestStack, name: string): Promise<SignedUpUser> {
  counter += 1;
  const email = `${name.toLowerCase()}.${counter}.${Date.now()}@example.test`;
  const { body } = await stack.query<{ signUp: { accessToken: string; user: { id: string; displayName: string } } }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id displayName } } }`,
    { input: { email, password: 'a long enough passphrase 1', firstName: name, lastName: 'Tester' } },
  );
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { id: body.data!.signUp.user.id, displayName: body.data!.signUp.user.displayName, email, accessToken: body.data!.signUp.accessToken };
}

/** A signed-up user whose token carries `roles`, as identity would issue it after a grant. */
export async function signUpWithRoles(stack: TestStack, name: string, roles: string[]): Promise<SignedUpUser> {
  const user = await signUpUser(stack, name);
  const accessToken = await mintTestAccessToken({ userId: user.id, roles, privateKey: createPrivateKey(stack.signingKey.pem), keyId: stack.signingKey.kid });
  return { ...user, accessToken };
}

/** A GraphQL request to the gateway as `user`; throws on errors. */
export async function as<T>(stack: TestStack, user: SignedUpUser, query: string, variables?: Record<string, unknown>): Promise<T> {
  const { body } = await stack.query<T>(query, variables, { authorization: `Bearer ${user.accessToken}` });
  if (body.errors) throw Object.assign(new Error(body.errors[0]!.message), { errors: body.errors });
  return body.data!;
}

/** graphql-ws's own client, connected to `url` (a gateway's /graphql) as `user`. */
export function wsClient(url: string, user: SignedUpUser | null): Client {
  return createClient({
    url: url.replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    connectionParams: user ? { authorization: `Bearer ${user.accessToken}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** A subscription's events as they arrive, with ways to wait for some of them. */
export interface Collected<T> {
  events: T[];
  errors: unknown[];
  completed: boolean;
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  ended(timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, pick: (data: Record<string, unknown>) => T): Collected<T> {
  const collected: Collected<T> = {
    events: [],
    errors: [],
    completed: false,
    waitFor: (count, timeoutMs = 20_000) => until(() => collected.events.length >= count, timeoutMs, () => `${collected.events.length} of ${count} events`).then(() => collected.events),
    ended: (timeoutMs = 10_000) => until(() => collected.completed || collected.errors.length > 0, timeoutMs, () => 'the end'),
    stop: () => unsubscribe(),
  };
  const unsubscribe = client.subscribe<Record<string, unknown>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) collected.errors.push(...result.errors);
        if (result.data) collected.events.push(pick(result.data));
      },
      error: (error) => collected.errors.push(error),
      complete: () => {
        collected.completed = true;
      },
    },
  );
  return collected;
}

async function until(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
