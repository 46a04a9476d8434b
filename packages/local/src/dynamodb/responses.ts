import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * Error answers shaped as DynamoDB's own (awsJson1_0): the SDK reads the
 * error name from `__type` after the `#`, the message from `message` or
 * `Message`, and the fault from the status (5xx: server, retried).
 */

/** The JSON-RPC content type DynamoDB answers with. */
export const DYNAMODB_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Error types the proxy answers with, and the namespace DynamoDB gives each in `__type`. */
const NAMESPACES = {
  AccessDeniedException: 'com.amazon.coral.service',
  UnrecognizedClientException: 'com.amazon.coral.service',
  InvalidSignatureException: 'com.amazon.coral.service',
  IncompleteSignatureException: 'com.amazon.coral.service',
  MissingAuthenticationTokenException: 'com.amazon.coral.service',
  ExpiredTokenException: 'com.amazon.coral.service',
  UnknownOperationException: 'com.amazon.coral.service',
  SerializationException: 'com.amazon.coral.service',
  RequestEntityTooLarge: 'com.amazon.coral.service',
  ValidationException: 'com.amazon.coral.validate',
  InternalServerError: 'com.amazonaws.dynamodb.v20120810',
  ServiceUnavailable: 'com.amazonaws.dynamodb.v20120810',
} as const;

/** An error type of DynamoDB's that the proxy answers with. */
export type DynamoDbErrorType = keyof typeof NAMESPACES;

/** The authentication failures an `authenticate` function may throw (as an Error whose `name` is one of these). */
export const AUTHENTICATION_ERRORS: ReadonlySet<string> = new Set<DynamoDbErrorType>([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
]);

/** DynamoDB's message for credentials it does not know. */
export const UNRECOGNIZED_CLIENT_MESSAGE = 'The security token included in the request is invalid.';

/** A request id in DynamoDB's style (52 characters of base32). */
export function requestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...randomBytes(52)].map((byte) => alphabet[byte % 32]).join('');
}

/**
 * Answers a DynamoDB-shaped error. AccessDeniedException carries `Message`,
 * as DynamoDB sends it; the others `message`.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  type: DynamoDbErrorType,
  message: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  const messageField = type === 'AccessDeniedException' ? 'Message' : 'message';
  const body = Buffer.from(
    JSON.stringify({ __type: `${NAMESPACES[type]}#${type}`, [messageField]: message }),
  );
  res.writeHead(status, {
    'Content-Type': DYNAMODB_CONTENT_TYPE,
    'Content-Length': String(body.length),
    'x-amzn-RequestId': requestId(),
    ...extraHeaders,
  });
  res.end(body);
}

/** The message DynamoDB gives when IAM denies `action` on `resource` to `sessionArn`. */
export function accessDeniedMessage(
  sessionArn: string,
  action: string,
  resource: string,
  result: 'explicit_deny' | 'implicit_deny',
): string {
  const why =
    result === 'explicit_deny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${sessionArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}
