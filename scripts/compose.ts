// Regenerates schema/supergraph.graphql and schema/api.graphql from the subgraphs.
import { writeFileSync } from 'node:fs';
import { API_SCHEMA_PATH, composeSupergraph, SUPERGRAPH_PATH } from './composition.js';

const { supergraph, api } = composeSupergraph();
writeFileSync(SUPERGRAPH_PATH, supergraph);
writeFileSync(API_SCHEMA_PATH, api);
console.log(`wrote ${SUPERGRAPH_PATH} and ${API_SCHEMA_PATH}`);
