export { operationLimitsPlugin } from './apollo-plugin.js';
export { operationCost, UNPAGED_LIST_SIZE, type OperationCost } from './cost.js';
export { createGatewayErrorFormatter, withoutSuggestions, type ErrorPresentation } from './error-presentation.js';
export { countTokens, OperationLimits, type OperationLimitSettings, type OperationToCheck } from './operation-limits.js';
