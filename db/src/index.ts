export * from './bootstrap.js';
export * from './embedded.js';
export * from './migrate.js';
export * from './subgraphs.js';
