import type { SpecialRequirementResolvers } from '../generated/graphql.js';

export const SpecialRequirement: SpecialRequirementResolvers = {
  shareWithTrainer: (r) => r.share_with_trainer,
};
