import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  authenticate,
  LocalIamService,
  type LocalPrincipal,
  parseAuthorization,
  type SignedRequest,
  verifySignature,
} from '../../src/iam';
import { closeServer, listenLocal } from '../../src/ports';

const ACCOUNT = '111122223333';
const iam = new LocalIamService({
  account: ACCOUNT,
  roles: [{ roleArn: `arn:aws:iam::${ACCOUNT}:role/AppRole` }],
});
const app = iam.principals[0] as LocalPrincipal;

type Bytes = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Bytes): string | Buffer =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** node:crypto in the shape the SDK signer wants. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  public constructor(secret?: Bytes) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  public update(data: Bytes): void {
    this.hash.update(bytes(data));
  }
  public async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** Signs a request with the AWS SDK's own signer and returns it as a server would receive it. */
async function signed(
  request: { method: string; path: string; query?: Record<string, string | string[]>; body: string },
  credentials = app.credentials,
  service = 'execute-api',
): Promise<SignedRequest> {
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service, sha256: NodeSha256 });
  const out = await signer.sign({
    method: request.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 8080,
    path: request.path,
    query: request.query ?? {},
    headers: { host: '127.0.0.1:8080', 'content-type': 'application/json', 'x-amz-target': 'Example.Op' },
    body: request.body,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(out.headers)) headers[name.toLowerCase()] = value;
  const query = Object.entries(request.query ?? {})
    .flatMap(([k, v]) => [v].flat().map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');
  return { method: request.method, path: request.path, query, headers, body: Buffer.from(request.body) };
}

describe('Function: authenticate', () => {
  it('verifies what the SDK signer signs: a path with encoded segments, a query, a body', async () => {
    const req = await signed({
      method: 'POST',
      path: '/2015-03-31/functions/my%20function/invocations',
      query: { Qualifier: 'v1 beta', list: ['b', 'a'], empty: '' },
      body: '{"a":1}',
    });
    expect(authenticate(req, iam)).toBe(app);
  });

  it('returns undefined when the body was changed after signing', async () => {
    const req = await signed({ method: 'POST', path: '/', body: '{"a":1}' });
    expect(authenticate({ ...req, body: Buffer.from('{"a":2}') }, iam)).toBeUndefined();
    expect(verifySignature({ ...req, body: Buffer.from('{"a":2}') }, iam)).toEqual({
      failure: 'bad-signature',
    });
  });

  it('returns undefined when a signed header was changed', async () => {
    const req = await signed({ method: 'POST', path: '/', body: '{}' });
    expect(
      authenticate({ ...req, headers: { ...req.headers, 'x-amz-target': 'Example.Other' } }, iam),
    ).toBeUndefined();
  });

  it('returns undefined when signed with the wrong secret', async () => {
    const req = await signed(
      { method: 'POST', path: '/', body: '{}' },
      { ...app.credentials, secretAccessKey: 'x' },
    );
    expect(verifySignature(req, iam)).toEqual({ failure: 'bad-signature' });
  });

  it('returns undefined for an access key the local IAM does not know', async () => {
    const req = await signed(
      { method: 'POST', path: '/', body: '{}' },
      { accessKeyId: 'LOCALUNKNOWN0000000A', secretAccessKey: 'x' },
    );
    expect(verifySignature(req, iam)).toEqual({ failure: 'unknown-key' });
  });

  it('returns undefined for an unsigned request', () => {
    const req: SignedRequest = { method: 'POST', path: '/', headers: { host: 'h' }, body: Buffer.alloc(0) };
    expect(verifySignature(req, iam)).toEqual({ failure: 'missing' });
  });

  it('parses the Authorization header', async () => {
    const req = await signed({ method: 'POST', path: '/', body: '{}' }, app.credentials, 'kms');
    expect(parseAuthorization(req.headers.authorization as string)).toMatchObject({
      accessKeyId: app.credentials.accessKeyId,
      region: 'us-east-1',
      service: 'kms',
      signedHeaders: expect.arrayContaining(['host', 'x-amz-date']),
    });
  });

  describe('behind an HTTP server, as the DynamoDB proxy uses it', () => {
    let server: Server;
    let endpoint: string;
    const seen: (string | undefined)[] = [];

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const [path, query = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
          const principal = authenticate(
            { method: req.method ?? 'GET', path, query, headers: req.headers, body: Buffer.concat(chunks) },
            iam,
          );
          seen.push(principal?.roleArn);
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ TableNames: [] }));
        });
      });
      endpoint = await listenLocal(server, 0);
    });
    afterAll(() => closeServer(server));

    it('authenticates a real DynamoDB client and rejects a wrong secret', async () => {
      const client = (secretAccessKey: string) =>
        new DynamoDBClient({
          endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: app.credentials.accessKeyId, secretAccessKey },
        });
      await client(app.credentials.secretAccessKey).send(new ListTablesCommand({ Limit: 5 }));
      await client('wrong').send(new ListTablesCommand({ Limit: 5 }));
      expect(seen).toEqual([app.roleArn, undefined]);
    });
  });
});
