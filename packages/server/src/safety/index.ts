export { EgressPolicy, EgressPolicyError, type EgressDecision, type EgressPolicyOptions } from './egress-policy.ts';
export {
  checkDestination,
  checkUrlDestination,
  DestinationLookupError,
  type DestinationDecision,
  type EgressResolver,
} from './check-destination.ts';
export { MIN_REDACTED_LENGTH, SECRET_MASK, SecretRedactor } from './secret-redactor.ts';
