import { DateTime } from '@academy/service-kit';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { User } from './User.js';

export const resolvers = { DateTime, Query, Mutation, User };
