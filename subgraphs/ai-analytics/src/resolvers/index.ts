import { DateTime, JSONScalar } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { AiConversation } from './AiConversation.js';
import { AiMessage } from './AiMessage.js';
import { AiUsageDay } from './AiUsageDay.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Subscription } from './Subscription.js';

export const resolvers: Resolvers = { DateTime, JSON: JSONScalar, Query, Mutation, Subscription, AiConversation, AiMessage, AiUsageDay };
