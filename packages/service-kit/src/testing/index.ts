export * from './database.js';
export * from './subgraph.js';
