import { DateTime } from '@academy/service-kit';
import { Query } from './Query.js';
import { User } from './User.js';

export const resolvers = { DateTime, Query, User };
