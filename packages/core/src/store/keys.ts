/** The single-table key layout. Every user's data lives under `USER#<id>`. */
export const keys = {
  user: (userId: string) => `USER#${userId}`,
  profileSk: 'PROFILE',
  username: (usernameKey: string) => `USERNAME#${usernameKey}`,
  usernameSk: 'USERNAME',
  loginThrottle: (usernameKey: string, client: string) => `LOGIN#${usernameKey}#${client}`,
  loginThrottleSk: 'THROTTLE',
  refreshSk: (tokenHash: string) => `REFRESH#${tokenHash}`,
  refreshPrefix: 'REFRESH#',
} as const;
