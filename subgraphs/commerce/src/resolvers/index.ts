import type { Resolvers } from '../generated/graphql.js';
import { Course } from './Course.js';
import { Money } from './Money.js';
import { Mutation } from './Mutation.js';

export const resolvers: Resolvers = { Course, Money, Mutation };
