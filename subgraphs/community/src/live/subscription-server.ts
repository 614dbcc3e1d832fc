// community's graphql-ws endpoint is the kit's: ai-analytics serves its subscriptions the same way.
export { createSubscriptionServer, SUBSCRIPTIONS_PATH, type SubscriptionServer, type SubscriptionServerOptions } from '@academy/service-kit/subscriptions';
