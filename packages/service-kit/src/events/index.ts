export * from './outbox.js';
export * from './event-consumer.js';
export * from './copy-wait.js';
