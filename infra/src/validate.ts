import { Token } from 'aws-cdk-lib';
import { CORE_MANIFEST } from './core-manifest';
import { PasswordStrategy, type VaultProps } from './props';

/** Checks the Vault's props (values that are tokens are skipped); throws on the first invalid one. */
export function validateProps(props: VaultProps): void {
  const fail = (prop: string, value: unknown, allowed: string) => {
    throw new Error(`invalid Vault prop ${prop}: got ${JSON.stringify(value)}; ${allowed}`);
  };
  if (props.deployerIsKeyAdmin === false && (props.keyAdmins ?? []).length === 0) {
    fail(
      'keyAdmins',
      [],
      'with deployerIsKeyAdmin: false nobody could manage the keys; name at least one principal that administers them (including the one that deploys the stack)',
    );
  }
  const domain = props.api?.domain;
  if (domain !== undefined && props.api?.waf === true && props.webVault === true)
    fail(
      'api.domain',
      domain.domainName,
      'with api.waf and webVault both on the API answers only requests that came through CloudFront, so a custom domain on the API would answer 403 to everyone; use the CloudFront URL, or turn one of them off',
    );
  if (
    domain !== undefined &&
    !Token.isUnresolved(domain.domainName) &&
    !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain.domainName)
  )
    fail(
      'api.domain.domainName',
      domain.domainName,
      'allowed: a lower-case host name such as vault-api.example.com',
    );
  const strategy = props.passwordStrategy;
  // A JavaScript caller may pass any string: the enum's values are the allowed ones.
  if (strategy !== undefined && !Object.values(PasswordStrategy).includes(strategy))
    fail('passwordStrategy', strategy, "allowed: 'rsa' or 'hmac'");
  const depth = props.historyDepth;
  if (
    depth !== undefined &&
    !Token.isUnresolved(depth) &&
    (!Number.isInteger(depth) || depth < 0 || depth > 100)
  ) {
    fail('historyDepth', depth, 'allowed: a whole number from 0 to 100');
  }
  const cache = props.keyCacheMaxAge;
  if (
    cache !== undefined &&
    !Token.isUnresolved(cache.toSeconds({ integral: false })) &&
    (cache.toSeconds({ integral: false }) < 0 || cache.toSeconds({ integral: false }) > 3600)
  ) {
    fail('keyCacheMaxAge', cache.toHumanString(), 'allowed: 0 to 1 hour');
  }
  const trash = props.trashRetention;
  if (
    trash !== undefined &&
    (trash.toDays({ integral: false }) < 1 ||
      trash.toDays({ integral: false }) > 365 ||
      !Number.isInteger(trash.toDays({ integral: false })))
  ) {
    fail('trashRetention', trash.toHumanString(), 'allowed: a whole number of days from 1 to 365');
  }
  const api = props.api ?? {};
  for (const [name, value] of [
    ['api.throttlingRateLimit', api.throttlingRateLimit],
    ['api.throttlingBurstLimit', api.throttlingBurstLimit],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 10_000))
      fail(name, value, 'allowed: a whole number from 1 to 10000');
  }
  if (
    api.authRateLimit !== undefined &&
    (!Number.isInteger(api.authRateLimit) || api.authRateLimit < 100 || api.authRateLimit > 2_000_000_000)
  ) {
    fail('api.authRateLimit', api.authRateLimit, 'allowed: a whole number of at least 100 (the WAF minimum)');
  }
  if (api.stageName !== undefined && api.stageName !== CORE_MANIFEST.apiStage)
    fail(
      'api.stageName',
      api.stageName,
      `the stage is the API version: only '${CORE_MANIFEST.apiStage}' (or leave it out)`,
    );
  for (const origin of api.corsOrigins ?? []) {
    if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin))
      fail('api.corsOrigins', origin, 'allowed: https origins such as https://vault.example.com');
  }
  if (props.alarmEmail !== undefined && props.alarmTopic !== undefined)
    fail('alarmEmail', props.alarmEmail, 'give alarmEmail or alarmTopic, not both');
  if (
    props.alarmEmail !== undefined &&
    !Token.isUnresolved(props.alarmEmail) &&
    !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)
  ) {
    fail('alarmEmail', props.alarmEmail, 'allowed: an email address');
  }
}
