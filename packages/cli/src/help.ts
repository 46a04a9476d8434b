/** One command's `kmsvault help <command>` page. */
interface CommandHelp {
  usage: string;
  summary: string;
  options?: [flag: string, meaning: string][];
  examples: string[];
}

const PASSWORD = [
  '--password-stdin',
  'read the login password from stdin (one trailing newline dropped)',
] as const;
const USERNAME = ['--username NAME', 'the account'] as const;

/** Every command's help page, by the name `kmsvault help` takes (`account delete` as `account`). */
export const COMMANDS: Record<string, CommandHelp> = {
  signup: {
    usage: 'kmsvault signup --username NAME [--password-stdin]',
    summary: 'Create an account. The password is asked for without echo, or read from stdin.',
    options: [[...USERNAME], [...PASSWORD]],
    examples: [
      'kmsvault signup --username alice',
      'echo "$PW" | kmsvault signup --username alice --password-stdin',
    ],
  },
  login: {
    usage: 'kmsvault login --username NAME [--password-stdin]',
    summary:
      'Log in and store the tokens in $XDG_CONFIG_HOME/kmsvault/credentials.json (mode 0600), with the API address.',
    options: [[...USERNAME], [...PASSWORD]],
    examples: [
      'kmsvault login --username alice --api-url https://vault.example.com',
      'echo "$PW" | kmsvault login --username alice --password-stdin',
    ],
  },
  logout: {
    usage: 'kmsvault logout',
    summary: 'End the session on the server and remove the stored tokens.',
    examples: ['kmsvault logout'],
  },
  whoami: {
    usage: 'kmsvault whoami [--json]',
    summary: 'Show who is logged in, and where.',
    examples: ['kmsvault whoami', 'kmsvault whoami --json'],
  },
  account: {
    usage: 'kmsvault account delete [--yes] [--password-stdin]',
    summary:
      'Delete the logged-in account for good: every secret, version, trash entry and session. Asks for the username to confirm (--yes skips that) and the password.',
    options: [['--yes', 'do not ask for the username (required without a terminal)'], [...PASSWORD]],
    examples: ['kmsvault account delete', 'echo "$PW" | kmsvault account delete --yes --password-stdin'],
  },
  ls: {
    usage: 'kmsvault ls [--search TEXT] [--site HOST] [--tag TAG]... [--folder NAME] [--json]',
    summary: 'List the secrets (names and metadata, no passwords).',
    options: [
      ['--search TEXT', 'secrets whose name, URL or username contain TEXT'],
      ['--site HOST', 'secrets for this site'],
      ['--tag TAG', 'secrets with this tag (repeatable)'],
      ['--folder NAME', 'secrets in this folder'],
    ],
    examples: [
      'kmsvault ls',
      'kmsvault ls --site bank.example --json',
      'kmsvault ls --tag money --folder Finance',
    ],
  },
  get: {
    usage: 'kmsvault get <id|name> [--field F] [--json]',
    summary:
      'Show a secret of any type (login, note, card, identity, SSH key) with its URIs, custom fields and type members, or just one field of it (for scripts).',
    options: [
      [
        '--field F',
        'print only this field: password, username, url (the first URI), uris, notes, name, folder, totp (the secret; kmsvault totp gives the code), type, or card.number, identity.email, sshKey.privateKey…',
      ],
    ],
    examples: [
      'kmsvault get Bank',
      'kmsvault get Bank --field password',
      'kmsvault get Visa --field card.number',
    ],
  },
  totp: {
    usage: 'kmsvault totp <id|name> [--json]',
    summary:
      "Show the item's current TOTP code and the seconds it stays valid; the server computes it from the item's TOTP secret (RFC 6238, otpauth:// URIs, Steam).",
    examples: [
      'kmsvault totp GitHub',
      'kmsvault totp GitHub --json   # {"code":"123456","period":30,"remaining":17}',
    ],
  },
  add: {
    usage:
      'kmsvault add --name NAME [--type login|note|card|identity|ssh-key] [--url URL]... [--match RULE] [--username U] [--tag T]... [--folder F] [--favorite] [--ask-password | --password-stdin | --notes-stdin | --totp-stdin]\n       kmsvault add --type card --name NAME [--cardholder N] [--brand B] [--expiry MM/YYYY] [--ask-card]\n       kmsvault add --type ssh-key --name NAME --private-key-file PATH [--public-key-file PATH]\n       kmsvault add --stdin',
    summary:
      'Add a secret of any type (a login when --type is not given). Secret values never come from the command line: the password from a prompt without echo or stdin, notes and the TOTP secret from stdin, card number and code from a prompt, keys from their files, or the whole item as JSON on stdin (every type and field: identities and custom fields that way).',
    options: [
      ['--name NAME', 'the name'],
      ['--type T', 'login (default), note, card, identity or ssh-key'],
      ['--url URL', 'a URI of the login (repeatable)'],
      [
        '--match RULE',
        'how the --url URIs match a site: domain (default), host, startsWith, exact, regex, never',
      ],
      ['--username U', 'the site username'],
      ['--tag T', 'a tag (repeatable)'],
      ['--folder F', 'the folder'],
      ['--favorite, --not-favorite', 'mark or unmark as a favourite'],
      ['--ask-password', 'ask for the site password without echo (terminal)'],
      ['--password-stdin', 'read the site password from stdin'],
      ['--notes-stdin', 'read the notes from stdin'],
      ['--totp-stdin', 'read the TOTP secret (base32 or an otpauth:// URI) from stdin'],
      ['--cardholder N, --brand B, --expiry MM/YYYY', "a card's holder, brand and expiry"],
      ['--ask-card', "ask for a card's number and security code without echo (terminal)"],
      ['--private-key-file PATH, --public-key-file PATH', "an SSH key's files (the fingerprint is computed)"],
      ['--stdin', 'read the whole item as a JSON object from stdin'],
    ],
    examples: [
      'kmsvault add --name Bank --url https://bank.example --username al --ask-password --tag money',
      'printf \'%s\\n\' "$BANK_PW" | kmsvault add --name Bank --password-stdin',
      'kmsvault add --name Google --url https://accounts.google.com --url https://mail.google.com --match host',
      'echo "otpauth://totp/GitHub:al?secret=JBSWY3DPEHPK3PXP" | kmsvault edit GitHub --totp-stdin',
      'kmsvault add --type card --name Visa --cardholder "Al Smith" --expiry 04/2029 --ask-card',
      'kmsvault add --type ssh-key --name deploy --private-key-file ~/.ssh/id_ed25519 --public-key-file ~/.ssh/id_ed25519.pub',
      'kmsvault add --stdin < me.json   # {"type":"identity","name":"Me","identity":{"firstName":"Al","email":"al@example.com"}}',
    ],
  },
  edit: {
    usage: 'kmsvault edit <id|name> [the flags of add]',
    summary:
      "Change a secret the same way add takes it; only the fields given change (a card's or SSH key's members one by one; --url replaces the URIs).",
    examples: [
      'kmsvault edit Bank --ask-password',
      'kmsvault edit Bank --notes-stdin < notes.txt',
      'kmsvault edit Visa --expiry 05/2031',
      'kmsvault edit Bank --favorite',
    ],
  },
  rm: {
    usage: 'kmsvault rm <id|name>',
    summary: 'Move a secret to the trash.',
    examples: ['kmsvault rm Bank'],
  },
  restore: {
    usage: 'kmsvault restore <id>',
    summary: 'Bring a secret back from the trash (its id is in kmsvault trash).',
    examples: ['kmsvault trash   # shows the ids', 'kmsvault restore "$ID"'],
  },
  history: {
    usage: 'kmsvault history <id|name> [--json]',
    summary: "List a secret's versions.",
    examples: ['kmsvault history Bank'],
  },
  trash: {
    usage: 'kmsvault trash [--json]',
    summary: 'List the trash.',
    examples: ['kmsvault trash', 'kmsvault trash --json'],
  },
  gen: {
    usage:
      'kmsvault gen [--length N] [--no-symbols] [--no-digits] [--no-uppercase] [--exclude-ambiguous]\n       kmsvault gen --words N [--separator S]',
    summary: 'Generate a password (20 characters by default) or a passphrase.',
    options: [
      ['--length N', 'the password length'],
      ['--no-symbols, --no-digits, --no-uppercase', 'leave those characters out'],
      ['--exclude-ambiguous', 'leave out characters that look alike (l, 1, O, 0…)'],
      ['--words N', 'a passphrase of N words instead'],
      ['--separator S', 'between the words'],
    ],
    examples: ['kmsvault gen --length 24 --no-symbols', 'kmsvault gen --words 6 --separator -'],
  },
  import: {
    usage: 'kmsvault import <file> [--format F]',
    summary:
      'Import an export from another password manager (Bitwarden JSON, also password-protected, or CSV; KeePass 2 XML; LastPass, Firefox, KeePassXC, 1Password, Safari or Chrome/Edge/Brave CSV) in requests of at most 200,000 bytes and 500 rows, with progress on stderr. Without --format the server tells the format from the content. A file that is not UTF-8 is read as Windows-1252 (Latin-1). A password-protected Bitwarden export is opened here with its password (asked, or --password-stdin). Importing is idempotent per item: run it again after a failure, or on the same file, and what is already in the vault is skipped and counted, never duplicated.',
    options: [
      [
        '--format F',
        'bitwarden-json, bitwarden-csv, lastpass-csv, firefox-csv, keepassxc-csv, keepass-xml, 1password-csv, 1password-old-csv, safari-csv or chrome-csv (default: detected)',
      ],
    ],
    examples: [
      'kmsvault import bitwarden.json',
      'kmsvault import lastpass.csv',
      'kmsvault import passwords.csv --format chrome-csv',
    ],
  },
  export: {
    usage: 'kmsvault export [--format json|csv|encrypted_json] [--force] [--password-stdin]',
    summary:
      'Export every secret, passwords included, to stdout. Asks for the login password again (an export needs it given in the last 5 minutes). A terminal needs --force.',
    options: [
      [
        '--format F',
        'json (default), csv, or encrypted_json: Bitwarden’s password-protected JSON, encrypted here under a password you choose (PBKDF2-SHA256, 600,000 iterations)',
      ],
      ['--force', 'print to a terminal anyway'],
      [
        '--password-stdin',
        'read the login password from stdin instead of asking (with encrypted_json, the file’s password on the next line)',
      ],
    ],
    examples: [
      'kmsvault export > vault.json',
      'kmsvault export --format csv > vault.csv',
      'echo "$PW" | kmsvault export --password-stdin > vault.json',
      'kmsvault export --format encrypted_json > vault.encrypted.json',
    ],
  },
};

/** The help page of one command, with the global flags every command takes. */
export function commandHelp(name: string): string | undefined {
  if (!Object.hasOwn(COMMANDS, name)) return undefined;
  const c = COMMANDS[name] as CommandHelp;
  const options = [
    ...(c.options ?? []),
    ['--api-url URL', 'the API (or KMSVAULT_API_URL; default: stored at login, or the local stack)'],
    ['--json', 'machine-readable output'],
  ];
  const width = Math.max(...options.map(([flag]) => flag.length)) + 2;
  return `usage: ${c.usage}

${c.summary}

options:
${options.map(([flag, meaning]) => `  ${flag.padEnd(width)}${meaning}`).join('\n')}

examples:
${c.examples.map((e) => `  ${e}`).join('\n')}`;
}
