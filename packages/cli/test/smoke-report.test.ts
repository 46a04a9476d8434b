import { SmokeFailure } from '../src/smoke/http';
import { SkippedStep, SmokeReport } from '../src/smoke/report';

describe('Class: SmokeReport', () => {
  const PASSWORD = 'Yq3-very-random-password-value';
  const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

  it('prints a credential that reaches a message as [redacted], in step lines and in the failure it keeps', async () => {
    const lines: string[] = [];
    const report = new SmokeReport((line) => lines.push(line));
    report.hide(PASSWORD);
    report.hide(TOKEN);
    await report.step(
      'login',
      async () => 'done',
      () => `token ${TOKEN}`,
    );
    await expect(
      report.step('secret', async () => {
        throw new SmokeFailure(`the API echoed ${PASSWORD} and ${PASSWORD}`);
      }),
    ).rejects.toBeInstanceOf(SkippedStep);
    expect(lines).toEqual([
      expect.stringMatching(/^ok {3}login \(\d+ ms\): token \[redacted\]$/),
      expect.stringMatching(/^FAIL secret \(\d+ ms\): the API echoed \[redacted\] and \[redacted\]$/),
    ]);
    expect(report.failure).toEqual({ step: 'secret', message: 'the API echoed [redacted] and [redacted]' });
  });

  it('skips the steps after a failure but runs the cleanup, keeping the first failure', async () => {
    const lines: string[] = [];
    const report = new SmokeReport((line) => lines.push(line));
    const ran: string[] = [];
    await expect(
      report.step('health', async () => {
        throw new SmokeFailure('GET /v1/health answered 503');
      }),
    ).rejects.toBeInstanceOf(SkippedStep);
    await expect(report.step('signup', async () => ran.push('signup'))).rejects.toBeInstanceOf(SkippedStep);
    await report.always('remove the user', async () => {
      ran.push('cleanup');
      throw new SmokeFailure('DELETE /v1/account answered 404');
    });
    expect(ran).toEqual(['cleanup']);
    expect(lines.map((line) => line.split(' (')[0])).toEqual(['FAIL health', 'FAIL remove the user']);
    expect(report.failure?.step).toBe('health');
  });

  it('names an error that is not a smoke failure as unexpected', async () => {
    const lines: string[] = [];
    const report = new SmokeReport((line) => lines.push(line));
    await report.always('jwks', async () => {
      throw new TypeError('boom');
    });
    expect(lines).toEqual([expect.stringMatching(/^FAIL jwks \(\d+ ms\): unexpected error: boom$/)]);
  });
});
