import type { AiUsageDayResolvers } from '../generated/graphql.js';

export const AiUsageDay: AiUsageDayResolvers = {
  user: (u) => ({ __typename: 'User' as const, id: u.user_id }),
  tokensIn: (u) => u.tokens_in,
  tokensOut: (u) => u.tokens_out,
  // Kept in thousandths of a minor unit; shown rounded to the nearest minor unit.
  costMinor: (u) => Math.round(u.cost_thousandths / 1000),
};
