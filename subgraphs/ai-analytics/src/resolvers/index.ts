import { DateTime, JSONScalar } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { DateTime, JSON: JSONScalar, Query, Mutation };
