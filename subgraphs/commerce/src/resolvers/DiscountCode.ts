import type { DiscountCodeResolvers } from '../generated/graphql.js';

export const DiscountCode: DiscountCodeResolvers = {
  validFrom: (code) => code.valid_from,
  validUntil: (code) => code.valid_until,
  usageLimit: (code) => code.usage_limit,
  usageCount: (code) => code.usage_count,
};
