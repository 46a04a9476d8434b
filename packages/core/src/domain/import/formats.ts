/**
 * The formats an import can be, in the order detection tries the CSV ones,
 * with the words a person knows them by. No dependencies: the CLI and the
 * web vault offer these without bundling the importers.
 */
export const IMPORT_FORMAT_LABELS = {
  'bitwarden-json': 'Bitwarden JSON (unencrypted, personal or organisation)',
  'bitwarden-csv': 'Bitwarden CSV (personal or organisation)',
  'lastpass-csv': 'LastPass CSV',
  'firefox-csv': 'Firefox CSV',
  'keepassxc-csv': 'KeePassXC CSV',
  'keepass-xml': 'KeePass 2 / KeePassXC XML',
  '1password-csv': '1Password 8 CSV',
  '1password-old-csv': '1Password 7 or older CSV',
  'safari-csv': 'Safari / Apple Passwords CSV',
  'chrome-csv': 'Chrome, Edge or Brave CSV',
} as const;

export type ImportFormat = keyof typeof IMPORT_FORMAT_LABELS;

export const IMPORT_FORMATS = Object.keys(IMPORT_FORMAT_LABELS) as [ImportFormat, ...ImportFormat[]];
