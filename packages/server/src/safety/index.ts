export { domainMatches, EgressPolicy, EgressPolicyError, normaliseDomain, type EgressDecision, type EgressPolicyOptions } from './egress-policy.ts';
export {
  checkDestination,
  checkUrlDestination,
  DestinationLookupError,
  type DestinationDecision,
  type EgressResolver,
} from './check-destination.ts';
export { MIN_REDACTED_LENGTH, SECRET_MASK, SecretRedactor } from './secret-redactor.ts';
export { compileLinearPattern, MAX_PATTERN_SUBJECT_LENGTH, MAX_PATTERN_WEIGHT, PatternRefusedError, type LinearPattern } from './linear-pattern.ts';
export { HAZARD_CATEGORIES, HAZARD_CATEGORY_INFO, isHazardCategory, type HazardCategory, type HazardCategoryInfo } from './hazard-categories.ts';
export { IntentRules, screenIntent, type ScreeningVerdict } from './intent-rules.ts';
export { AMPLIFIERS, SCREENING_RULES, SHARED_GUARDS, type ScreeningRule } from './screening-rules.ts';
export { normaliseScreeningText, screeningTokens } from './screening-text.ts';
export { cardBrand, cardExpiredAt, cardLast4, maskedCardValue } from './payment-card.ts';
export { merchantAllows, MerchantDomainError, normaliseMerchantDomains } from './merchant-domains.ts';
export { reviewAction, type ActionPolicy, type ApprovalAction, type ApprovalDetails, type ClassifiedAction, type GateContext, type GateVerdict, type PlannedAction, type PolicyVerdict } from './action-review.ts';
export { classifyAction } from './action-classes.ts';
export { actionDigest, canonicalJson, type DigestedAction } from './action-digest.ts';
export { approvalFor, approvalRule, destinationOf, policyAsks } from './approval-rules.ts';
export { dataFlowRule } from './data-flow-rule.ts';
export { BULK_RECIPIENTS, bulkMessageRule, credentialsRule, taskBudgetRule } from './task-fit-rules.ts';
export { taskBudgetOf, type TaskBudget } from './task-budget.ts';
export { MIN_QUOTED_LENGTH, MIN_TYPED_LENGTH, payloadOf, privateValues, SessionDataLedger, type CarriedData, type SessionDataKind } from './session-data.ts';
export { hostOf, siteOf, TaskScope } from './task-scope.ts';
export { paymentTokenRule, unusable } from './payment-token-rules.ts';
export type { PaymentTokenFacts } from './payment-token-facts.ts';
