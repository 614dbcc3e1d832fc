import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../logger.js';
import {
  assertChannel,
  assertPayload,
  ChannelHandlers,
  ReconnectListeners,
  type MessageHandler,
  type PubSub,
  type Unsubscribe,
} from './pubsub.js';

/** Where and how the Redis pub/sub connects. */
export interface RedisPubSubOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /**
   * Put before every channel name at the broker, so that deployments sharing one Redis (or
   * test databases sharing one) do not hear each other. Default none.
   */
  prefix?: string;
  /** Shown by CLIENT LIST. */
  connectionName?: string;
  logger?: Logger;
}

/**
 * Pub/sub over Redis PUBLISH/SUBSCRIBE: one connection per process in subscriber mode, one for
 * publishing, both reconnecting by themselves (ioredis). After a reconnection every channel is
 * subscribed again, and only then are `onReconnect` listeners told.
 */
export function createRedisPubSub(options: RedisPubSubOptions): PubSub {
  const logger = (options.logger ?? createLogger('warn')).child({ component: 'pubsub', broker: 'redis' });
  const prefix = options.prefix ?? '';
  const handlers = new ChannelHandlers();
  const reconnects = new ReconnectListeners();
  const logHandlerError = (error: unknown) => logger.error('pub/sub handler failed', { err: error });
  let closed = false;
  let subscriber: Redis | null = null;
  let publisher: Redis | null = null;

  function connect(role: 'subscribe' | 'publish'): Redis {
    const client = new Redis(options.url, {
      connectionName: options.connectionName ? `${options.connectionName}:${role}` : undefined,
      // Resubscribed by hand on 'ready', so that listeners hear of the reconnection only
      // once the subscriptions are back (ioredis' own resubscription is not awaited).
      autoResubscribe: false,
    });
    // Without a listener, ioredis reports connection errors on stderr as unhandled.
    client.on('error', (error: Error) => logger.warn(`redis ${role} connection error`, { err: error }));
    return client;
  }

  function subscriberConnection(): Redis {
    if (subscriber) return subscriber;
    const client = connect('subscribe');
    let readyBefore = false;
    client.on('ready', () => {
      if (!readyBefore) {
        readyBefore = true;
        return;
      }
      const channels = handlers.channels();
      void (channels.length > 0 ? client.subscribe(...channels.map((c) => prefix + c)) : Promise.resolve()).then(
        () => reconnects.notify(logHandlerError),
        // The connection dropped again: the next 'ready' tries again.
        (error: unknown) => logger.warn('could not resubscribe after reconnecting', { err: error }),
      );
    });
    client.on('message', (channel: string, message: string) => {
      if (channel.startsWith(prefix)) handlers.dispatch(channel.slice(prefix.length), message, logHandlerError);
    });
    subscriber = client;
    return client;
  }

  async function quit(client: Redis | null): Promise<void> {
    if (!client) return;
    if (client.status !== 'ready') {
      client.disconnect();
      return;
    }
    await client.quit().catch(() => client.disconnect());
  }

  return {
    async publish(channel, payload) {
      assertChannel(channel);
      assertPayload(payload);
      if (closed) throw new Error('the pub/sub is closed');
      publisher ??= connect('publish');
      await publisher.publish(prefix + channel, payload);
    },

    async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
      assertChannel(channel);
      if (closed) throw new Error('the pub/sub is closed');
      const client = subscriberConnection();
      return handlers.subscribe(channel, handler, {
        listen: (name) => client.subscribe(prefix + name),
        unlisten: async (name) => {
          if (!closed && client.status === 'ready') await client.unsubscribe(prefix + name).catch(() => undefined);
        },
      });
    },

    onReconnect: (listener) => reconnects.add(listener),

    async close() {
      if (closed) return;
      closed = true;
      handlers.clear();
      reconnects.clear();
      await Promise.all([quit(subscriber), quit(publisher)]);
      subscriber = null;
      publisher = null;
    },
  };
}
