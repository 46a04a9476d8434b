export { evaluate, policyErrors } from './evaluator';
export { type LocalIamOptions, LocalIamService, rolesOfTemplate } from './local-iam';
export { isManagedPolicyArn, managedPolicyDocument, managedPolicyDocuments } from './managed-policies';
export {
  cdkBootstrapRoles,
  newCredentials,
  parseRoleArn,
  principalOf,
  type RoleDescription,
  sessionArnOf,
} from './principals';
export {
  authenticate,
  parseAuthorization,
  type SignedRequest,
  type SigV4Authorization,
  type Verification,
  verifySignature,
} from './sigv4';
export type { AuthorizationDecision, AuthorizationRequest, LocalIam, LocalPrincipal } from './types';
