import { DateTime, JSONScalar } from '@academy/service-kit';
import { Mutation } from './Mutation.js';

export const resolvers = { DateTime, JSON: JSONScalar, Mutation };
