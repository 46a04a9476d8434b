import { parseArgs } from 'node:util';

/** Parses the command line: the command and its positionals, and every flag any command takes (strict). */
export function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'api-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
      username: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      'notes-stdin': { type: 'boolean', default: false },
      'ask-password': { type: 'boolean', default: false },
      search: { type: 'string' },
      site: { type: 'string' },
      tag: { type: 'string', multiple: true },
      folder: { type: 'string' },
      field: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string', multiple: true },
      match: { type: 'string' },
      type: { type: 'string' },
      favorite: { type: 'boolean', default: false },
      'not-favorite': { type: 'boolean', default: false },
      'totp-stdin': { type: 'boolean', default: false },
      cardholder: { type: 'string' },
      brand: { type: 'string' },
      expiry: { type: 'string' },
      'ask-card': { type: 'boolean', default: false },
      'private-key-file': { type: 'string' },
      'public-key-file': { type: 'string' },
      password: { type: 'string' },
      notes: { type: 'string' },
      stdin: { type: 'boolean', default: false },
      length: { type: 'string' },
      words: { type: 'string' },
      separator: { type: 'string' },
      'no-symbols': { type: 'boolean', default: false },
      'no-digits': { type: 'boolean', default: false },
      'no-uppercase': { type: 'boolean', default: false },
      'exclude-ambiguous': { type: 'boolean', default: false },
      format: { type: 'string' },
      force: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
    },
  });
}

/** The parsed flags. */
export type Flags = ReturnType<typeof parseCommandLine>['values'];
