import { IntrinsicResolver, NO_VALUE, type ResolverContext, TemplateError } from '../../src/template';

const environment = {
  stackName: 'Test-dev',
  account: '111111111111',
  region: 'eu-west-1',
  partition: 'aws',
  stackId:
    'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test-dev/00000000-0000-0000-0000-000000000000',
};

function resolver(overrides: Partial<ResolverContext> = {}): IntrinsicResolver {
  const resources: Record<string, { ref: string; attrs: Record<string, unknown> }> = {
    Table: { ref: 'test-table', attrs: { Arn: 'arn:aws:dynamodb:eu-west-1:111111111111:table/test-table' } },
    Fn: { ref: 'fn', attrs: { Arn: 'arn:aws:lambda:eu-west-1:111111111111:function:fn' } },
  };
  return new IntrinsicResolver({
    environment,
    parameters: { Stage: 'dev', Admins: ['a', 'b'] },
    conditions: {
      IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] },
      IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] },
      Both: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Or': [{ Condition: 'IsProd' }, true] }] },
      Loop: { 'Fn::Not': [{ Condition: 'Loop' }] },
    },
    mappings: { Sizes: { dev: { memory: 256 } } },
    declared: (id) => (id in resources ? {} : id === 'Skipped' ? { condition: 'IsProd' } : undefined),
    resource: (id) => {
      const r = resources[id];
      return r === undefined ? undefined : { ref: r.ref, getAtt: (a) => r.attrs[a] };
    },
    ...overrides,
  });
}

describe('Class: IntrinsicResolver', () => {
  it('resolves Ref to resources, parameters and pseudo parameters', () => {
    const r = resolver();

    expect(r.resolve({ Ref: 'Table' }, 'X')).toBe('test-table');
    expect(r.resolve({ Ref: 'Stage' }, 'X')).toBe('dev');
    expect(r.resolve({ Ref: 'Admins' }, 'X')).toEqual(['a', 'b']);
    expect(
      r.resolve(
        ['AWS::Partition', 'AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::URLSuffix'].map(
          (Ref) => ({ Ref }),
        ),
        'X',
      ),
    ).toEqual(['aws', 'eu-west-1', '111111111111', 'Test-dev', 'amazonaws.com']);
    expect(r.resolve({ Ref: 'AWS::StackId' }, 'X')).toBe(environment.stackId);
  });

  it('resolves GetAtt in both forms, Join, Select and Split', () => {
    const r = resolver();

    expect(r.resolve({ 'Fn::GetAtt': ['Table', 'Arn'] }, 'X')).toContain(':table/test-table');
    expect(r.resolve({ 'Fn::GetAtt': 'Fn.Arn' }, 'X')).toContain(':function:fn');
    const uri = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':apigateway:',
          { 'Fn::Select': [3, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Fn', 'Arn'] }] }] },
        ],
      ],
    };
    expect(r.resolve(uri, 'X')).toBe('arn:aws:apigateway:eu-west-1');
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
  it('resolves Fn::Sub in its string and variable-map forms, keeping ${!literals}', () => {
    const r = resolver();

    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
      r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${Table}/${Fn.Arn}/${!Literal}' }, 'X'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
    ).toBe('arn:aws:x:eu-west-1:test-table/arn:aws:lambda:eu-west-1:111111111111:function:fn/${Literal}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
    expect(r.resolve({ 'Fn::Sub': ['${Name}-${Stage}', { Name: { Ref: 'Table' } }] }, 'X')).toBe(
      'test-table-dev',
    );
  });

  it('evaluates conditions, Fn::If and AWS::NoValue', () => {
    const r = resolver();

    expect([r.condition('IsDev', 'X'), r.condition('IsProd', 'X'), r.condition('Both', 'X')]).toEqual([
      true,
      false,
      true,
    ]);
    expect(
      r.resolve(
        {
          Size: { 'Fn::If': ['IsDev', 'small', 'large'] },
          Gone: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] },
          List: ['a', { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'b'] }],
        },
        'X',
      ),
    ).toEqual({ Size: 'small', List: ['a'] });
    expect(r.resolve({ Ref: 'AWS::NoValue' }, 'X')).toBe(NO_VALUE);
    expect(r.resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'memory'] }, 'X')).toBe(256);
  });

  it('throws naming the owner when a GetAtt names a resource the template does not have', () => {
    const r = resolver();

    expect(() => r.resolve({ 'Fn::GetAtt': ['Missing', 'Arn'] }, 'MyFunction')).toThrow(
      new TemplateError(
        'MyFunction',
        'Fn::GetAtt Missing.Arn: no resource or parameter Missing in the template',
      ),
    );
  });

  it('throws when a GetAtt names an attribute the resource does not have', () => {
    expect(() => resolver().resolve({ 'Fn::GetAtt': ['Table', 'Nope'] }, 'Owner')).toThrow(
      /Owner: .*has no attribute Nope/,
    );
  });

  it('throws when a Ref names a resource whose condition is false', () => {
    expect(() => resolver().resolve({ Ref: 'Skipped' }, 'Owner')).toThrow(
      /Owner: Ref Skipped: Skipped is not created/,
    );
  });

  it('throws when a condition refers to itself', () => {
    expect(() => resolver().condition('Loop', 'Owner')).toThrow(/condition Loop refers to itself/);
  });

  it.each([
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'SharedVpc' }],
  ])('throws when the template uses %s, which needs a deployed account', (name, value) => {
    expect(() => resolver().resolve({ Nested: [value] }, 'Owner')).toThrow(
      new TemplateError('Owner', `${name} needs a deployed AWS account and is not available locally`),
    );
  });

  it('throws when Fn::Select is out of range', () => {
    expect(() => resolver().resolve({ 'Fn::Select': [5, ['a']] }, 'Owner')).toThrow(
      /Owner: Fn::Select index 5/,
    );
  });
});
