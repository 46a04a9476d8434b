import type { SecretMetadata as Meta, Secret } from '@kmsvault/core';
import type { Client } from './client';
import { CliError, EXIT } from './errors';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The secret an argument names: by id when it is one, else the one secret
 * whose name matches (case-insensitively); not found (4) when none does,
 * conflict (5) when several do.
 */
export async function find(client: Client, idOrName: string): Promise<Secret> {
  if (ID.test(idOrName)) return (await client.call<Secret>('GET', `/v1/secrets/${idOrName}`)).data;
  const { data } = await client.call<{ items: Meta[] }>(
    'GET',
    `/v1/secrets?${new URLSearchParams({ q: idOrName, limit: '200' })}`,
  );
  const matches = data.items.filter((s) => s.name.toLowerCase() === idOrName.toLowerCase());
  if (matches.length === 0) throw new CliError(`no secret is named ${idOrName}`, EXIT.notFound);
  if (matches.length > 1)
    throw new CliError(
      `${matches.length} secrets are named ${idOrName}; use an id (kmsvault ls)`,
      EXIT.conflict,
    );
  return (await client.call<Secret>('GET', `/v1/secrets/${(matches[0] as Meta).id}`)).data;
}
