import { SMOKE_EXIT, smoke } from './smoke';

const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
  process.stderr.write(
    'usage: pnpm smoke URL\n  URL: what a client uses, the API stage URL (https://…/v1) or the CloudFront root\n',
  );
  process.exitCode = SMOKE_EXIT.usage;
} else {
  void smoke(args[0] as string, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`smoke: unexpected error: ${(err as Error).message}\n`);
      process.exitCode = SMOKE_EXIT.failed;
    },
  );
}
