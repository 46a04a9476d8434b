/**
 * KMS's error types, by the name the JSON 1.1 protocol puts in `__type`, so
 * that `@aws-sdk/client-kms` raises the same exception class it would against
 * the real service.
 */
export type KmsErrorType =
  | 'AccessDeniedException'
  | 'AlreadyExistsException'
  | 'DisabledException'
  | 'IncorrectKeyException'
  | 'InvalidAliasNameException'
  | 'InvalidCiphertextException'
  | 'InvalidKeyUsageException'
  | 'InvalidMarkerException'
  | 'InvalidSignatureException'
  | 'KMSInternalException'
  | 'KMSInvalidMacException'
  | 'KMSInvalidSignatureException'
  | 'KMSInvalidStateException'
  | 'LimitExceededException'
  | 'MalformedPolicyDocumentException'
  | 'MissingAuthenticationTokenException'
  | 'NotFoundException'
  | 'ThrottlingException'
  | 'UnrecognizedClientException'
  | 'UnsupportedOperationException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'TagException'
  | 'ValidationException';

const STATUS: Partial<Record<KmsErrorType, number>> = {
  KMSInternalException: 500,
};

export class KmsError extends Error {
  public readonly type: KmsErrorType;
  public readonly status: number;

  public constructor(type: KmsErrorType, message: string, status?: number) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status ?? STATUS[type] ?? 400;
  }
}
