import type { RegistrationResolvers } from '../generated/graphql.js';
import { orderOfRegistration } from '../services/order.service.js';

export const Registration: RegistrationResolvers = {
  __resolveReference: (ref) => ({ __typename: 'Registration', id: ref.id }),
  order: (registration, _, ctx) => orderOfRegistration(ctx, registration),
};
