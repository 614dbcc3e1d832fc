export * from './outbox.js';
export * from './event-consumer.js';
