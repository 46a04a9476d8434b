import { TemplateError } from '../types';

/** Small readers for resolved resource properties; errors name the resource. */

export type Props = Readonly<Record<string, unknown>>;

export function str(props: Props, key: string, owner: string): string {
  const value = props[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  throw new TemplateError(owner, `${key} is required (a string), got ${JSON.stringify(value)}`);
}

export function optStr(props: Props, key: string): string | undefined {
  const value = props[key];
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

export function optNum(props: Props, key: string, owner: string): number | undefined {
  const value = props[key];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new TemplateError(owner, `${key} is not a number: ${JSON.stringify(value)}`);
  return n;
}

/** CloudFormation accepts booleans and the strings "true"/"false". */
export function bool(props: Props, key: string, fallback: boolean): boolean {
  const value = props[key];
  if (value === undefined) return fallback;
  return value === true || value === 'true';
}

export function obj(props: Props, key: string): Props {
  const value = props[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Props) : {};
}

export function list(props: Props, key: string): readonly unknown[] {
  const value = props[key];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}
