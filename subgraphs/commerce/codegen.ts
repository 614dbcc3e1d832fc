// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'CommerceContext',
  mappers: {},
};
