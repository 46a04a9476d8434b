/** The `kmsvault --help` text: every command, the global flags and the exit codes. */
export const USAGE = `usage: kmsvault <command> [options]

  signup                      create an account (--username, password prompted or --password-stdin)
  login                       log in (--username, password prompted or --password-stdin)
  logout                      end the session and remove the stored tokens
  whoami                      show who is logged in, where
  account delete              delete the logged-in account for good: every secret, version, trash entry and
                              session; asks for the username to confirm (or --yes) and the password (or
                              --password-stdin)
  ls                          list secrets [--search TEXT] [--site HOST] [--tag TAG] [--folder NAME]
  get <id|name>               show a secret of any type [--field password|username|url|notes|card.number|…]
  totp <id|name>              the item's current TOTP code and the seconds left
  add                         add a secret: a login from flags (--name, --url…, --match, --username, --tag…,
                              --folder, --favorite) with its password from --ask-password (no echo) or
                              --password-stdin, notes from --notes-stdin, TOTP secret from --totp-stdin; a card
                              (--type card, --ask-card), an SSH key (--type ssh-key, --private-key-file), or
                              any type as JSON on stdin (--stdin)
  edit <id|name>              change a secret the same way; only the fields given change
  rm <id|name>                move a secret to the trash
  restore <id>                bring a secret back from the trash
  history <id|name>           list a secret's versions
  trash                       list the trash
  gen                         generate a password [--length N] [--no-symbols] [--no-digits] [--exclude-ambiguous] or a passphrase [--words N] [--separator S]
  import <file>               import Bitwarden, LastPass, Firefox, KeePassXC, 1Password or Chrome exports
                              (format detected, or --format), with progress
  export                      export [--format json|csv] to stdout; a terminal needs --force
  help <command>              a command's options and examples (or: kmsvault <command> --help)

  --api-url URL               the API (or KMSVAULT_API_URL; default: the local stack's .kmsvault/local.json);
                              https://, or http:// on loopback only (localhost, 127.0.0.0/8, [::1])
  --json                      machine-readable output
  -h, --help                  this text
  --version                   the version

Secret values are never taken from the command line, where ps and shell history show them:
--password and --notes are refused.

exit codes: 0 ok, 1 unexpected, 2 usage, 3 auth, 4 not found, 5 conflict, 6 server or network, 7 rate limited`;
