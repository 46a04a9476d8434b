import { buildOpenApi } from '@kmsvault/core';
import { OpenApiRecorder } from '../../src/testing';

describe('Class: OpenApiRecorder', () => {
  it('reports a body that does not fit, an undocumented status and an undocumented content type', () => {
    // Arrange
    const recorder = new OpenApiRecorder();
    recorder.record('GET', '/v1/health', 200, 'application/json', { status: 'ok', dynamodb: 'ok' });
    recorder.record('POST', '/v1/auth/signup', 418, 'application/json', {});
    recorder.record('GET', '/v1/secrets/x', 200, 'text/html', '<p>');
    recorder.record('POST', '/v1/auth/signup', 201, 'application/json', {
      userId: '6f1c1d2e-8e4b-4c62-9e43-2b1f7f2f9d11',
    });

    // Act
    const problems = recorder.check(buildOpenApi());

    // Assert
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/GET \/v1\/health → 200: .*kms/);
    expect(problems[1]).toMatch(/status not documented/);
    expect(problems[2]).toMatch(/content type text\/html not documented/);
  });
});
