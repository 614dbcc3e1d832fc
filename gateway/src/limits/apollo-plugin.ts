import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { OperationLimits } from './operation-limits.js';

/**
 * Holds every HTTP operation to the limits once it is parsed, validated and resolved, before
 * the gateway plans it: a refused operation is a 400 and reaches no subgraph.
 */
export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const [refused] = limits.check({ document, operationName: request.operationName, variables: request.variables });
          if (refused) throw new GraphQLError(refused.message, { extensions: { ...refused.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}
