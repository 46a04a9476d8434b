import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../scripts/check-key-admins.sh');
const ACCOUNT = '123456789012';
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/VaultKeyAdmin`;
const BREAKGLASS = `arn:aws:iam::${ACCOUNT}:user/ops/breakglass`;

/**
 * There is no IAM to ask on this machine, so `aws` is a stand-in on PATH that
 * answers as the AWS CLI does: the ARN of a role or user it knows, else
 * exit 254 with the CLI's NoSuchEntity (or AccessDenied) message on stderr.
 */
function fakeAws(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-aws-'));
  const aws = join(dir, 'aws');
  writeFileSync(
    aws,
    `#!/usr/bin/env bash
case "$1 $2" in
  "sts get-caller-identity") echo "$FAKE_ACCOUNT"; exit 0 ;;
  "iam get-role") kind=role op=GetRole ;;
  "iam get-user") kind=user op=GetUser ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
name=$4
if [[ -n \${FAKE_DENY:-} ]]; then
  echo "An error occurred (AccessDenied) when calling the $op operation: not authorized to perform iam:$op" >&2; exit 254
fi
for arn in $FAKE_PRINCIPALS; do
  [[ $arn == *":$kind/"* && \${arn##*/} == "$name" ]] && { echo "$arn"; exit 0; }
done
echo "An error occurred (NoSuchEntity) when calling the $op operation: The $kind with name $name cannot be found." >&2
exit 254
`,
  );
  chmodSync(aws, 0o755);
  return dir;
}

describe('Script: infra/scripts/check-key-admins.sh', () => {
  const bin = fakeAws();
  const check = (list: string | undefined, env: Record<string, string> = {}) => {
    const res = spawnSync('bash', [SCRIPT, ...(list === undefined ? [] : [list])], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        FAKE_ACCOUNT: ACCOUNT,
        FAKE_PRINCIPALS: `${ADMIN} ${BREAKGLASS}`,
        ...env,
      },
      encoding: 'utf8',
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
  };

  it('passes when every role and user exists, checking users with get-user', () => {
    const res = check(`${ADMIN},${BREAKGLASS}`);
    expect(res).toEqual({ code: 0, stdout: `ok: ${ADMIN} exists\nok: ${BREAKGLASS} exists\n`, stderr: '' });
  });

  it('fails naming the missing administrator, and counts it', () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/NotCreatedYet`;
    const res = check(`${ADMIN},${missing}`);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `check-key-admins: key administrator ${missing} does not exist: create the role first (README: Deploy per environment)\n` +
        'check-key-admins: 1 of 2 key administrators missing or unchecked; nothing was deployed\n',
    );
  });

  it('fails when the name exists at another path (the ARN names another principal)', () => {
    const res = check(`arn:aws:iam::${ACCOUNT}:role/admins/VaultKeyAdmin`);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`the role named VaultKeyAdmin is ${ADMIN} (another path)`);
  });

  it.each([
    ['a space after a comma', `${ADMIN}, ${BREAKGLASS}`, ` ${BREAKGLASS}`],
    ['an empty member', `${ADMIN},,${BREAKGLASS}`, ''],
    ['a group', `arn:aws:iam::${ACCOUNT}:group/Admins`, `arn:aws:iam::${ACCOUNT}:group/Admins`],
  ])('fails on %s, quoting the member', (_what, list, member) => {
    const res = check(list);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`"${member}" is not an IAM role or user ARN`);
  });

  it('fails when no list is given', () => {
    for (const list of [undefined, '']) {
      const res = check(list);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/no key administrator ARNs given/);
    }
  });

  it('fails when IAM cannot be read, saying why', () => {
    const res = check(ADMIN, { FAKE_DENY: '1' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot check key administrator ${ADMIN}: An error occurred (AccessDenied)`);
  });

  it('leaves a principal of another account unchecked (no IAM read across accounts), saying so', () => {
    const other = 'arn:aws:iam::999999999999:role/CentralKeyAdmin';
    expect(check(`${ADMIN},${other}`)).toEqual({
      code: 0,
      stdout: `ok: ${ADMIN} exists\nnot checked: ${other} is in account 999999999999, these credentials are for ${ACCOUNT}\n`,
      stderr: '',
    });
  });

  it('writes GitHub error annotations in a workflow', () => {
    const res = check(`arn:aws:iam::${ACCOUNT}:user/gone`, { GITHUB_ACTIONS: 'true' });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /^::error::key administrator arn:aws:iam::123456789012:user\/gone does not exist/,
    );
  });
});
