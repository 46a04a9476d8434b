import { getDomain } from 'tldts';
import type { ItemUri } from './item-model';

/** The most of a searched address a regular expression is run against. */
const REGEX_INPUT_LIMIT = 2048;

/** The parts of an address site search compares: host (with port), host name and registrable domain. */
export interface SiteParts {
  readonly host: string;
  readonly hostname: string;
  /** The registrable domain (public suffix list, private domains such as github.io included); the host name when it has none (an IP address, localhost). */
  readonly domain: string;
}

/** An address as site search reads it: with or without scheme, any case, `www.` and a trailing dot ignored. */
export function siteParts(value: string): SiteParts | undefined {
  const trimmed = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  const hostname = url.hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^www\./, '');
  if (hostname === '') return undefined;
  const host = url.port === '' ? hostname : `${hostname}:${url.port}`;
  const domain = getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
  return { host, hostname, domain };
}

/**
 * Whether a stored URI matches a searched address under its match rule, as
 * Bitwarden's rules read: `domain` (default) the same registrable domain, so
 * google.com finds accounts.google.com and aws.amazon.com the AWS console;
 * `host` the same host and port; `startsWith` and `exact` the address as
 * given; `regex` the URI as a case-insensitive regular expression over the
 * address (run on at most 2,048 characters of it); `never` nothing.
 */
export function uriMatches(uri: ItemUri, searched: string): boolean {
  const rule = uri.match ?? 'domain';
  if (rule === 'never') return false;
  if (rule === 'exact') return uri.uri === searched;
  if (rule === 'startsWith') return searched.startsWith(uri.uri);
  if (rule === 'regex') {
    try {
      return new RegExp(uri.uri, 'i').test(searched.slice(0, REGEX_INPUT_LIMIT));
    } catch {
      return false;
    }
  }
  const stored = siteParts(uri.uri);
  const sought = siteParts(searched);
  if (stored === undefined || sought === undefined) return false;
  return rule === 'host' ? stored.host === sought.host : stored.domain === sought.domain;
}

/** The kinds of site beacon: by registrable domain, by host name, and one mark for items with a regex URI. */
export type SiteBeaconKind = 'domain' | 'host' | 'regex';

/**
 * The beacon values a URI gets, by kind: its registrable domain (domain
 * rule), its host name (host, startsWith and exact: each needs that host),
 * one constant for a regex (no value can stand for what it matches, so a
 * search reads every such item), none for `never`.
 */
export function uriBeaconValues(uri: ItemUri): [SiteBeaconKind, string][] {
  const rule = uri.match ?? 'domain';
  if (rule === 'never') return [];
  if (rule === 'regex') return [['regex', '*']];
  const parts = siteParts(uri.uri);
  if (parts === undefined) return [];
  return rule === 'domain' ? [['domain', parts.domain]] : [['host', parts.hostname]];
}

/** The beacon values a search for `searched` looks up: its domain, its host name, and the regex mark. */
export function searchBeaconValues(searched: string): [SiteBeaconKind, string][] {
  const parts = siteParts(searched);
  return [
    ...(parts === undefined
      ? []
      : ([
          ['domain', parts.domain],
          ['host', parts.hostname],
        ] as [SiteBeaconKind, string][])),
    ['regex', '*'],
  ];
}
