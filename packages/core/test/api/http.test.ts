import { decodePath, ifMatchVersion, problemResult, toProblem } from '../../src/api/http';
import {
  classifyDependencyError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../../src/domain/errors';

describe('Function: toProblem', () => {
  it('maps a VaultError to RFC 9457 with its stable code and extensions', () => {
    const problem = toProblem(new ValidationError('bad', [{ path: 'name', message: 'required' }]), 'req-1');
    expect(problem).toEqual({
      type: 'https://kmsvault.dev/problems/validation_failed',
      title: 'The request is not valid',
      status: 400,
      detail: 'bad',
      code: 'validation_failed',
      errors: [{ path: 'name', message: 'required' }],
      instance: 'urn:request:req-1',
    });
  });

  it('says nothing of an unknown error but that it failed', () => {
    const problem = toProblem(new Error('connection string postgres://user:hunter2@db'));
    expect(problem).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});

describe('Function: problemResult', () => {
  it('sets the problem content type and Retry-After for unavailable dependencies', () => {
    const result = problemResult(new ServiceUnavailableError('kms did not answer', 5));
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '5' });
  });

  it('sends the Allow header with a 405, as RFC 9110 requires: 405 answered without Allow', () => {
    const result = problemResult(new MethodNotAllowedError('TRACE is not allowed here.', ['GET', 'PUT']));
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: 'GET, PUT' });
  });

  it('answers 404 with the same body for every not-found', () => {
    const a = JSON.parse(problemResult(new NotFoundError()).body);
    const b = JSON.parse(problemResult(new NotFoundError()).body);
    expect(a).toEqual(b);
  });
});

describe('Function: classifyDependencyError', () => {
  const sdkError = (name: string, fault: 'client' | 'server') =>
    Object.assign(new Error(name), {
      name,
      $fault: fault,
      $metadata: { httpStatusCode: fault === 'server' ? 500 : 400 },
    });

  it.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'KMSInternalException'])(
    'turns %s into a 503 ServiceUnavailableError',
    (name) => {
      expect(classifyDependencyError(sdkError(name, 'client'))).toBeInstanceOf(ServiceUnavailableError);
    },
  );

  it('turns a server fault and a refused connection into ServiceUnavailableError', () => {
    expect(classifyDependencyError(sdkError('Whatever', 'server'))).toBeInstanceOf(ServiceUnavailableError);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyDependencyError(refused)).toBeInstanceOf(ServiceUnavailableError);
  });

  it('leaves client faults and vault errors unchanged', () => {
    const invalid = sdkError('InvalidCiphertextException', 'client');
    expect(classifyDependencyError(invalid)).toBe(invalid);
    const notFound = new NotFoundError();
    expect(classifyDependencyError(notFound)).toBe(notFound);
  });
});

describe('Function: toProblem with extensions', () => {
  it('never lets an extension member override a standard one', () => {
    const problem = toProblem(
      new ServiceUnavailableError('down', 1, { status: 'unavailable', code: 'x', kms: 'unavailable' }),
    );
    expect(problem).toMatchObject({ status: 503, code: 'service_unavailable', kms: 'unavailable' });
  });
});

describe('Function: classifyDependencyError, wrapped network errors', () => {
  it('sees through the SDK wrapper and Powertools idempotency errors', () => {
    const wrapped = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:8000');
    expect(classifyDependencyError(wrapped)).toBeInstanceOf(ServiceUnavailableError);
    const persistence = Object.assign(new Error('Failed to save in progress record to idempotency store'), {
      name: 'IdempotencyPersistenceLayerError',
    });
    expect(classifyDependencyError(persistence)).toBeInstanceOf(ServiceUnavailableError);
    const caused = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) });
    expect(classifyDependencyError(caused)).toBeInstanceOf(ServiceUnavailableError);
    const plain = new Error('a bug');
    expect(classifyDependencyError(plain)).toBe(plain);
  });
});

describe('Function: duplicateKey', () => {
  it('finds a key given twice in one object, at any depth, and nothing in valid bodies', async () => {
    const { duplicateKey } = await import('../../src/api/body');
    expect(duplicateKey('{"a":1,"a":2}')).toBe('a');
    expect(duplicateKey('{"x":{"b":1, "b" :2}}')).toBe('b');
    expect(duplicateKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(duplicateKey(JSON.stringify({ a: { a: 1 }, b: 'a"a', c: 'x\\"a":' }))).toBeUndefined();
    expect(duplicateKey('{"q":"\\"","q\\u0000":1,"q":2}')).toBe('q');
    expect(duplicateKey('{"list":["a","a"]}')).toBeUndefined();
    expect(duplicateKey('{"unterminated')).toBeUndefined();
  });
});

describe('Function: ifMatchVersion', () => {
  it('names version n only for the strong entity-tag "n", as its ETag is written', () => {
    expect(ifMatchVersion('"3"')).toBe(3);
    expect(ifMatchVersion(' "12" ')).toBe(12);
    expect(ifMatchVersion(undefined)).toBeUndefined();
  });

  it('matches no version for a weak If-Match (W/"n"): RFC 9110 compares If-Match strongly', () => {
    expect(ifMatchVersion('W/"3"')).toBe(-1);
    expect(ifMatchVersion('w/"3"')).toBe(-1);
  });

  it('matches no version for a bare number, a padded number, *, a list or garbage', () => {
    for (const field of ['3', '"03"', '"0"', '*', '"3", "4"', '"3', '', 'W/3', '"99999999999"']) {
      expect(ifMatchVersion(field)).toBe(-1);
    }
  });
});

describe('Function: decodePath', () => {
  it('decodes percent-escapes, UTF-8 included', () => {
    expect(decodePath('/a%20b/%E0%A4%A8')).toBe('/a b/\u0928');
  });

  it.each(['/%E0%A4%A', '/%zz', '/%', '/a%2', '/%C0%80'])(
    'throws ValidationError (400), not URIError (500), for the malformed escape in %s',
    (path) => {
      expect(() => decodePath(path)).toThrow(ValidationError);
    },
  );
});
