import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@academy/service-kit';
import type { GatewayContext } from './context.js';

/** Seconds a client is told to wait before trying again after a 503. */
const RETRY_AFTER_SECONDS = '2';

/**
 * Answers 503 (with Retry-After) when nothing could be answered because the services' database
 * is unavailable: no data (or only null root fields), and every error SERVICE_UNAVAILABLE. A
 * partial answer keeps its 200, since part of it is good.
 */
export function serviceUnavailablePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.length) return;
          if (data != null && Object.values(data).some((value) => value !== null)) return;
          if (!errors.every((error) => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', RETRY_AFTER_SECONDS);
        },
      };
    },
  };
}
