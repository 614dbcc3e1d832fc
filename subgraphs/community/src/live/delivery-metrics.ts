import { metricFamily } from '@academy/service-kit';
import { Histogram } from 'prom-client';
import type { ChatMessage } from '../db/database.js';

/**
 * Delivery lag of live chat messages: from the message's `sent_at` (the sending transaction's
 * time in PostgreSQL) to the moment this process hands it to its subscribers' streams, once per
 * message and process. It covers the commit, the announcement over pub/sub (PostgreSQL or Redis)
 * and the membership check; the last hop (gateway to client) adds a socket write.
 */
export function chatDeliveryLag() {
  const histogram = metricFamily(
    'chat_message_delivery_lag_seconds',
    (registers) =>
      new Histogram({
        name: 'chat_message_delivery_lag_seconds',
        help: 'Time from a chat message being sent to its delivery to the live subscribers in a community process.',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
  );
  return {
    delivered(messages: readonly ChatMessage[]): void {
      const now = Date.now();
      for (const message of messages) histogram.observe(Math.max(0, now - new Date(message.sent_at).getTime()) / 1000);
    },
  };
}
