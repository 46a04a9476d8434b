import { TemplateError } from './types';

/** The value the local cloud gives CDK's bootstrap-version SSM parameter (any version CDK accepts). */
export const LOCAL_BOOTSTRAP_VERSION = '30';

interface ParameterDeclaration {
  readonly Type?: string;
  readonly Default?: unknown;
  readonly AllowedValues?: readonly unknown[];
  readonly AllowedPattern?: string;
}

export interface ParameterValues {
  /** For the resolver: lists for list types. */
  readonly values: Readonly<Record<string, string | readonly string[]>>;
  /** For the LocalTemplate: every value as a string (lists comma-joined). */
  readonly strings: Readonly<Record<string, string>>;
}

/**
 * The template's parameters with their values: the caller's, else the
 * default. `AWS::SSM::Parameter::Value<…>` parameters take the value of the
 * SSM parameter their default names, from `ssm` (CDK's bootstrap version
 * resolves to a local value). A parameter with no value, a value not in
 * AllowedValues or a value for a parameter the template does not declare is
 * a TemplateError naming it, as CloudFormation refuses the deployment.
 */
export function resolveParameters(
  template: Readonly<Record<string, unknown>>,
  given: Readonly<Record<string, string>> = {},
  ssm: Readonly<Record<string, string>> = {},
): ParameterValues {
  const declared = (template.Parameters ?? {}) as Record<string, ParameterDeclaration>;
  for (const name of Object.keys(given)) {
    if (declared[name] === undefined)
      throw new TemplateError(name, 'parameter is not declared in the template');
  }
  const values: Record<string, string | readonly string[]> = {};
  const strings: Record<string, string> = {};
  for (const [name, p] of Object.entries(declared)) {
    const type = p.Type ?? 'String';
    let value: string | undefined = given[name];
    if (value === undefined && type.startsWith('AWS::SSM::Parameter::Value<')) {
      const ssmName = p.Default === undefined ? undefined : String(p.Default);
      value = ssmName === undefined ? undefined : (ssm[ssmName] ?? localSsmValue(ssmName));
      if (value === undefined) {
        throw new TemplateError(
          name,
          `SSM parameter ${ssmName} has no local value: pass the parameter's value`,
        );
      }
    }
    value ??= p.Default === undefined ? undefined : String(p.Default);
    if (value === undefined)
      throw new TemplateError(name, 'parameter has no value and no default: pass its value');
    if (p.AllowedValues !== undefined && !p.AllowedValues.map(String).includes(value)) {
      throw new TemplateError(
        name,
        `value ${JSON.stringify(value)} is not one of ${p.AllowedValues.join(', ')}`,
      );
    }
    if (p.AllowedPattern !== undefined && !new RegExp(`^(?:${p.AllowedPattern})$`).test(value)) {
      throw new TemplateError(name, `value ${JSON.stringify(value)} does not match ${p.AllowedPattern}`);
    }
    const text: string = value;
    strings[name] = text;
    const isList = type === 'CommaDelimitedList' || /^(AWS::SSM::Parameter::Value<)?List</.test(type);
    values[name] = isList ? (text === '' ? [] : text.split(',').map((v) => v.trim())) : text;
  }
  return { values, strings };
}

function localSsmValue(name: string): string | undefined {
  return /^\/cdk-bootstrap\/[^/]+\/version$/.test(name) ? LOCAL_BOOTSTRAP_VERSION : undefined;
}
