import type { AssemblyStack, LocalTemplate } from '../template';
import { localKeyAdminArn } from './stack-iam';

/** The caller's parameter values, with the local key administrator for a `KeyAdminArns` the caller leaves out. */
export function parametersFor(
  assembly: AssemblyStack,
  given: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const declared = (assembly.template.Parameters ?? {}) as Record<string, { Default?: unknown }>;
  const values: Record<string, string> = { ...given };
  if (
    'KeyAdminArns' in declared &&
    values.KeyAdminArns === undefined &&
    declared.KeyAdminArns?.Default === undefined
  )
    values.KeyAdminArns = localKeyAdminArn(assembly.account);
  return values;
}

/** Each table's (and index's) partition key attribute, for the proxy's `dynamodb:LeadingKeys`. */
export function partitionKeys(
  template: LocalTemplate,
): (table: string, index?: string) => string | undefined {
  return (tableName, indexName) => {
    const table = template.tables.find((t) => t.tableName === tableName);
    if (table === undefined) return undefined;
    const input = table.createTableInput;
    const schema =
      indexName === undefined
        ? input.KeySchema
        : [...(input.GlobalSecondaryIndexes ?? []), ...(input.LocalSecondaryIndexes ?? [])].find(
            (i) => i.IndexName === indexName,
          )?.KeySchema;
    return schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  };
}

/** Every bucket origin of the distribution serves the web vault's files (the deploy workflow syncs them there). */
export function bucketDirs(
  distribution: LocalTemplate['distributions'][number],
  webDir: string,
): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const behavior of distribution.behaviors) {
    if (behavior.origin.kind === 'bucket') dirs[behavior.origin.bucketLogicalId] = webDir;
  }
  return dirs;
}
