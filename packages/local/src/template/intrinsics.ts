import { type StackEnvironment, TemplateError } from './types';

/**
 * CloudFormation's intrinsic functions, evaluated against the local cloud's
 * resources. Written by hand: no maintained npm library resolves
 * intrinsics against resources it did not create (cfn-resolver-lib and
 * friends are unmaintained and want every physical id handed to them).
 *
 * Supported: Ref, Fn::GetAtt, Fn::Join, Fn::Sub (both forms), Fn::Select,
 * Fn::Split, Fn::If / Fn::Equals / Fn::Not / Fn::And / Fn::Or (+ the
 * Conditions section), Fn::FindInMap, Fn::Base64, Fn::Length,
 * Fn::ToJsonString and the pseudo parameters. Fn::GetAZs, Fn::ImportValue
 * and Fn::Cidr need a deployed account and end in a TemplateError.
 */

/** `AWS::NoValue`: removes the property (or list element) it stands for. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A provisioned resource as references see it. */
export interface ResolvedResource {
  /** What `Ref` returns. */
  readonly ref: string;
  /** What `Fn::GetAtt` returns, or undefined for an attribute the type does not have. */
  readonly getAtt: (attribute: string) => unknown;
}

/** What the resolver needs to know about the stack. */
export interface ResolverContext {
  readonly environment: StackEnvironment;
  /** @default 'amazonaws.com' */
  readonly urlSuffix?: string;
  /** Parameter values (lists for List<…>/CommaDelimitedList parameters). */
  readonly parameters: Readonly<Record<string, string | readonly string[]>>;
  readonly mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  /** The template's Conditions section, unevaluated. */
  readonly conditions?: Readonly<Record<string, unknown>>;
  /** A resource of the template: `undefined` when none has that logical id. */
  readonly declared: (logicalId: string) => { readonly condition?: string } | undefined;
  /** A resource already provisioned. */
  readonly resource: (logicalId: string) => ResolvedResource | undefined;
}

const UNAVAILABLE = new Set(['Fn::GetAZs', 'Fn::ImportValue', 'Fn::Cidr', 'Fn::Transform']);

/** True when `value` is a one-key object naming an intrinsic function (`Ref`, `Fn::*`). */
export function intrinsicName(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/** Evaluates intrinsics; `owner` (a logical id or output name) is named in every error. */
export class IntrinsicResolver {
  private readonly conditionValues = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  public constructor(private readonly ctx: ResolverContext) {}

  /** The value with every intrinsic evaluated and `AWS::NoValue` removed (or NO_VALUE at the top). */
  public resolve(value: unknown, owner: string): unknown {
    const name = intrinsicName(value);
    if (name !== undefined) return this.call(name, (value as Record<string, unknown>)[name], owner);
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v, owner)).filter((v) => v !== NO_VALUE);
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const resolved = this.resolve(v, owner);
        if (resolved !== NO_VALUE) out[k] = resolved;
      }
      return out;
    }
    return value;
  }

  /** A resolved value that must be a string (numbers and booleans are turned into one). */
  public string(value: unknown, owner: string, what: string): string {
    const resolved = this.resolve(value, owner);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new TemplateError(owner, `${what} is not a string: ${preview(resolved)}`);
  }

  /** The named condition of the Conditions section, evaluated once. */
  public condition(name: string, owner: string): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    const expression = this.ctx.conditions?.[name];
    if (expression === undefined) throw new TemplateError(owner, `condition ${name} is not in Conditions`);
    if (this.evaluating.has(name)) throw new TemplateError(owner, `condition ${name} refers to itself`);
    this.evaluating.add(name);
    try {
      const value = this.conditionExpression(expression, owner);
      this.conditionValues.set(name, value);
      return value;
    } finally {
      this.evaluating.delete(name);
    }
  }

  private conditionExpression(expression: unknown, owner: string): boolean {
    if (typeof expression === 'boolean') return expression;
    if (expression === 'true' || expression === 'false') return expression === 'true';
    if (expression !== null && typeof expression === 'object' && !Array.isArray(expression)) {
      const entries = Object.entries(expression);
      if (entries.length === 1 && entries[0]?.[0] === 'Condition') {
        return this.condition(String(entries[0][1]), owner);
      }
    }
    const resolved = this.resolve(expression, owner);
    if (typeof resolved === 'boolean') return resolved;
    throw new TemplateError(owner, `not a condition: ${preview(expression)}`);
  }

  private call(name: string, arg: unknown, owner: string): unknown {
    if (UNAVAILABLE.has(name)) {
      throw new TemplateError(owner, `${name} needs a deployed AWS account and is not available locally`);
    }
    switch (name) {
      case 'Ref':
        return this.ref(this.string(arg, owner, 'Ref'), owner);
      case 'Fn::GetAtt':
        return this.getAtt(arg, owner);
      case 'Fn::Join': {
        const [delimiter, list] = this.args(name, arg, 2, owner);
        const items = this.resolve(list, owner);
        if (!Array.isArray(items)) throw new TemplateError(owner, `Fn::Join needs a list: ${preview(items)}`);
        return items.map((item) => this.string(item, owner, 'Fn::Join element')).join(String(delimiter));
      }
      case 'Fn::Sub':
        return this.sub(arg, owner);
      case 'Fn::Select': {
        const [index, list] = this.args(name, arg, 2, owner);
        const items = this.resolve(list, owner);
        const i = Number(this.resolve(index, owner));
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new TemplateError(owner, `Fn::Select index ${i} is outside ${preview(items)}`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.args(name, arg, 2, owner);
        return this.string(source, owner, 'Fn::Split source').split(String(delimiter));
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.args(name, arg, 3, owner);
        return this.resolve(this.condition(String(condition), owner) ? whenTrue : whenFalse, owner);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(name, arg, 2, owner);
        return JSON.stringify(this.resolve(a, owner)) === JSON.stringify(this.resolve(b, owner));
      }
      case 'Fn::Not':
        return !this.conditionExpression(this.args(name, arg, 1, owner)[0], owner);
      case 'Fn::And':
        return this.list(name, arg, owner).every((c) => this.conditionExpression(c, owner));
      case 'Fn::Or':
        return this.list(name, arg, owner).some((c) => this.conditionExpression(c, owner));
      case 'Fn::FindInMap': {
        const [map, top, second] = this.args(name, arg, 3, owner).map((a) => this.string(a, owner, name));
        const value = this.ctx.mappings?.[map as string]?.[top as string]?.[second as string];
        if (value === undefined)
          throw new TemplateError(owner, `Fn::FindInMap ${map}.${top}.${second} is not mapped`);
        return value;
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(arg, owner, name), 'utf8').toString('base64');
      case 'Fn::Length': {
        const items = this.resolve(arg, owner);
        if (!Array.isArray(items))
          throw new TemplateError(owner, `Fn::Length needs a list: ${preview(items)}`);
        return items.length;
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(arg, owner));
      default:
        throw new TemplateError(owner, `${name} is not an intrinsic function the local cloud knows`);
    }
  }

  private ref(name: string, owner: string): unknown {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.ctx.parameters[name];
    if (parameter !== undefined) return parameter;
    return this.target(name, owner, `Ref ${name}`).ref;
  }

  private getAtt(arg: unknown, owner: string): unknown {
    const resolved = typeof arg === 'string' ? splitOnce(arg) : this.resolve(arg, owner);
    if (!Array.isArray(resolved) || resolved.length !== 2) {
      throw new TemplateError(owner, `Fn::GetAtt needs [logicalId, attribute]: ${preview(arg)}`);
    }
    const [logicalId, attribute] = resolved.map(String) as [string, string];
    const value = this.target(logicalId, owner, `Fn::GetAtt ${logicalId}.${attribute}`).getAtt(attribute);
    if (value === undefined) {
      throw new TemplateError(
        owner,
        `Fn::GetAtt ${logicalId}.${attribute}: ${logicalId} has no attribute ${attribute}`,
      );
    }
    return value;
  }

  private target(logicalId: string, owner: string, what: string): ResolvedResource {
    const declared = this.ctx.declared(logicalId);
    if (declared === undefined) {
      throw new TemplateError(owner, `${what}: no resource or parameter ${logicalId} in the template`);
    }
    if (declared.condition !== undefined && !this.condition(declared.condition, owner)) {
      throw new TemplateError(
        owner,
        `${what}: ${logicalId} is not created (condition ${declared.condition} is false)`,
      );
    }
    const resource = this.ctx.resource(logicalId);
    if (resource === undefined)
      throw new TemplateError(owner, `${what}: ${logicalId} is not provisioned yet`);
    return resource;
  }

  private sub(arg: unknown, owner: string): string {
    const [text, variables] = typeof arg === 'string' ? [arg, {}] : this.args('Fn::Sub', arg, 2, owner);
    if (typeof text !== 'string') throw new TemplateError(owner, `Fn::Sub needs a string: ${preview(text)}`);
    const vars = (variables ?? {}) as Record<string, unknown>;
    return text.replace(/\$\{([^}]*)\}/g, (_, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      if (Object.hasOwn(vars, name)) return this.string(vars[name], owner, `Fn::Sub variable ${name}`);
      const value = name.includes('.') ? this.getAtt(name, owner) : this.ref(name, owner);
      if (Array.isArray(value)) return value.join(',');
      return String(value);
    });
  }

  private pseudo(name: string): unknown {
    const env = this.ctx.environment;
    switch (name) {
      case 'AWS::Partition':
        return env.partition;
      case 'AWS::Region':
        return env.region;
      case 'AWS::AccountId':
        return env.account;
      case 'AWS::StackName':
        return env.stackName;
      case 'AWS::StackId':
        return env.stackId;
      case 'AWS::URLSuffix':
        return this.ctx.urlSuffix ?? 'amazonaws.com';
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        return undefined;
    }
  }

  private args(name: string, arg: unknown, count: number, owner: string): unknown[] {
    if (!Array.isArray(arg) || arg.length !== count) {
      throw new TemplateError(owner, `${name} needs ${count} arguments: ${preview(arg)}`);
    }
    return arg;
  }

  private list(name: string, arg: unknown, owner: string): unknown[] {
    if (!Array.isArray(arg) || arg.length < 1)
      throw new TemplateError(owner, `${name} needs a list: ${preview(arg)}`);
    return arg;
  }
}

function splitOnce(value: string): [string, string] | string {
  const dot = value.indexOf('.');
  return dot < 0 ? value : [value.slice(0, dot), value.slice(dot + 1)];
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
