import { chmodSync, writeFileSync } from 'node:fs';
import type { VaultConfig } from '@kmsvault/core';
import type { VaultFunctionName } from './functions';

/** Credentials that act as one principal of the local cloud (SigV4 access key and secret). */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** `.kmsvault/local.json`: how tools and tests reach the local cloud. Mode 0600: it holds local credentials. */
export interface LocalJson {
  /** The stage URL, exactly as the stack's `ApiUrl` output shapes it: `http://127.0.0.1:PORT/{stage}`. */
  readonly apiUrl: string;
  /** What `apiUrl` is: always the stage URL (the CloudFront-shaped root is `webUrl`). */
  readonly apiUrlKind: 'stage';
  /** The root served as the template's CloudFront distribution serves it (web vault, `/v1/*`, `/.well-known/*`); absent without one. */
  readonly webUrl?: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: {
    readonly file: string;
    readonly sha256: string;
    /** Whether cdk.out was reused or synthesized for this start, and why. */
    readonly assembly: string;
  };
  /** The authorizing proxy in front of DynamoDB Local: what the functions call. */
  readonly dynamodbEndpoint: string;
  /** DynamoDB Local itself, with no authorization: for tools acting as the table's owner. */
  readonly dynamodbLocalEndpoint: string;
  readonly kmsEndpoint: string;
  readonly tables: VaultConfig['tables'];
  readonly keys: { readonly vault: string; readonly password: string; readonly signing: string };
  /** Per function: its logical id, role and the credentials that act as that role. */
  readonly functions: Readonly<
    Partial<
      Record<
        VaultFunctionName,
        { readonly logicalId: string; readonly roleArn: string; readonly credentials: LocalCredentials }
      >
    >
  >;
  /** The CloudFormation execution role the template was deployed as. */
  readonly deployer: { readonly roleArn: string; readonly credentials: LocalCredentials };
  /** Resources of the template not run locally, each with why. */
  readonly notRun: readonly { readonly logicalId: string; readonly type: string; readonly reason: string }[];
}

export function writeLocalJson(path: string, info: LocalJson): void {
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
