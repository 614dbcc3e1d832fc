export * from './database.js';
export * from './subgraph.js';
export * from './tcp-proxy.js';
export * from './logger.js';
export * from './access-token.js';
export * from './probe-subgraph.js';
