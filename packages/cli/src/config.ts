import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CliError, EXIT } from './errors';

export interface Credentials {
  apiUrl: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

/** `$XDG_CONFIG_HOME/kmsvault` (default `~/.config/kmsvault`). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'kmsvault');
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'credentials.json');
}

export function readCredentials(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const path = credentialsPath(env);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Credentials;
  } catch {
    throw new CliError(
      `the credentials file ${path} is unreadable; run kmsvault logout, then log in again`,
      EXIT.auth,
    );
  }
}

/** Writes the tokens readable by their owner only (0600, in a 0700 directory). */
export function writeCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env): void {
  writePrivate(credentialsPath(env), JSON.stringify(credentials, null, 2));
}

/** Replaces `path` atomically with a file only its owner can read (0600, in a 0700 directory). */
function writePrivate(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function removeCredentials(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(credentialsPath(env), { force: true });
}

/** The local stack's `.kmsvault/local.json`, looked for from `cwd` upwards. */
export function localApiUrl(cwd: string = process.cwd()): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, '.kmsvault', 'local.json');
    if (existsSync(candidate)) {
      try {
        return (JSON.parse(readFileSync(candidate, 'utf8')) as { apiUrl?: string }).apiUrl;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Known-device tokens, one per API address and username, in
 * `devices.json` (0600). The server hands one out at each login; presenting it
 * at the next login exempts this device from the per-address login limit. It
 * is not a session credential, so logout keeps it.
 */
export function devicesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'devices.json');
}

type Devices = Record<string, Record<string, string>>;

function readDevices(env: NodeJS.ProcessEnv): Devices {
  try {
    const parsed = JSON.parse(readFileSync(devicesPath(env), 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Devices) : {};
  } catch {
    return {}; // absent or unreadable: log in without one, the next login stores a new one
  }
}

/** The same account whatever case or Unicode form the username was typed in. */
function userKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

/** The same API whether its address was typed with a trailing slash or not. */
function apiKey(apiUrl: string): string {
  return new URL(apiUrl).href;
}

export function readDeviceToken(
  apiUrl: string,
  username: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const token = readDevices(env)[apiKey(apiUrl)]?.[userKey(username)];
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

export function writeDeviceToken(
  apiUrl: string,
  username: string,
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const devices = readDevices(env);
  devices[apiKey(apiUrl)] = { ...devices[apiKey(apiUrl)], [userKey(username)]: token };
  writePrivate(devicesPath(env), JSON.stringify(devices, null, 2));
}

/** Forgets the known-device token of an account (it was deleted). */
export function removeDeviceToken(
  apiUrl: string,
  username: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const devices = readDevices(env);
  const forApi = devices[apiKey(apiUrl)];
  if (forApi?.[userKey(username)] === undefined) return;
  delete forApi[userKey(username)];
  writePrivate(devicesPath(env), JSON.stringify(devices, null, 2));
}
