/** The single-table key layout. Every user's data lives under `USER#<id>`. */
export const keys = {
  user: (userId: string) => `USER#${userId}`,
  profileSk: 'PROFILE',
  username: (usernameKey: string) => `USERNAME#${usernameKey}`,
  usernameSk: 'USERNAME',
  /** A login throttle bucket; `bucket` is an HMAC, never a username or an address. */
  loginThrottle: (bucket: string) => `LOGIN#${bucket}`,
  loginThrottleSk: 'THROTTLE',
  refreshSk: (tokenHash: string) => `REFRESH#${tokenHash}`,
  refreshPrefix: 'REFRESH#',
  /** A session (one login's refresh-token family): what the authorizer checks. */
  sessionSk: (familyId: string) => `SESSION#${familyId}`,
  sessionPrefix: 'SESSION#',
  /** A known device of the user, by the SHA-256 of its device token. */
  deviceSk: (tokenHash: string) => `DEVICE#${tokenHash}`,
  serviceKey: (name: string) => ({ pk: `SERVICE#${name}`, sk: 'KEY' }),
} as const;
