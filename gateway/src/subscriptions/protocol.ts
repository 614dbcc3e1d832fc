/**
 * The GraphQL over WebSocket protocol (subprotocol `graphql-transport-ws`, as graphql-ws's
 * clients speak it): message shapes. Its close codes are in the service kit's close-codes.ts with the gateway's.
 */

export const SUBPROTOCOL = 'graphql-transport-ws';

/** A message a client may send. */
export type ClientMessage =
  | { type: 'connection_init'; payload?: Record<string, unknown> | null }
  | { type: 'ping'; payload?: Record<string, unknown> | null }
  | { type: 'pong'; payload?: Record<string, unknown> | null }
  | { type: 'subscribe'; id: string; payload: SubscribePayload }
  | { type: 'complete'; id: string };

export interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptionalObject = (value: unknown) => value === undefined || value === null || isObject(value);

/** The client's message, or a reason why it is not one (the socket is then closed: CloseCode.BadRequest). */
export function parseClientMessage(data: string): ClientMessage | string {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return 'Invalid message received';
  }
  if (!isObject(message) || typeof message.type !== 'string') return 'Invalid message received';
  switch (message.type) {
    case 'connection_init':
    case 'ping':
    case 'pong':
      return isOptionalObject(message.payload) ? (message as ClientMessage) : `Invalid ${message.type} payload`;
    case 'complete':
      return typeof message.id === 'string' && message.id !== '' ? (message as ClientMessage) : 'Invalid complete message';
    case 'subscribe': {
      const { id, payload } = message;
      if (typeof id !== 'string' || id === '' || !isObject(payload)) return 'Invalid subscribe message';
      if (typeof payload.query !== 'string') return 'Invalid subscribe payload: query must be a string';
      if (payload.operationName !== undefined && payload.operationName !== null && typeof payload.operationName !== 'string') {
        return 'Invalid subscribe payload: operationName must be a string';
      }
      if (!isOptionalObject(payload.variables) || !isOptionalObject(payload.extensions)) return 'Invalid subscribe payload';
      return message as ClientMessage;
    }
    default:
      return `Unexpected message of type ${message.type} received`;
  }
}

/** A server message, serialised. `payloadJson` is JSON already (shared results are serialised once). */
export const serverMessage = {
  ack: () => '{"type":"connection_ack"}',
  pong: () => '{"type":"pong"}',
  next: (id: string, payloadJson: string) => `{"id":${JSON.stringify(id)},"type":"next","payload":${payloadJson}}`,
  error: (id: string, errors: unknown[]) => JSON.stringify({ id, type: 'error', payload: errors }),
  complete: (id: string) => `{"id":${JSON.stringify(id)},"type":"complete"}`,
};
