import { Course } from './Course.js';

export const resolvers = { Course };
