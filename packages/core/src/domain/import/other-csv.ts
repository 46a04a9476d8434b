import { splitTags } from './candidate';
import { hostOf, type MappedCsvFormat } from './mapped-csv';

/**
 * Firefox's password CSV (about:logins, Export). `httpRealm` and
 * `formActionOrigin` are kept as custom fields; `guid` and the three
 * timestamps are Firefox's bookkeeping.
 */
export const FIREFOX_CSV: MappedCsvFormat = {
  format: 'firefox-csv',
  required: ['url', 'username', 'password', 'httpRealm', 'formActionOrigin'],
  columns: ['url', 'username', 'password', 'httpRealm', 'formActionOrigin'],
  bookkeeping: ['guid', 'timeCreated', 'timeLastUsed', 'timePasswordChanged'],
  map: (cell) => ({
    name: hostOf(cell('url')),
    url: cell('url'),
    username: cell('username'),
    password: cell('password'),
    fields: [
      ...(cell('httpRealm') ? [{ name: 'httpRealm', value: cell('httpRealm'), type: 'text' }] : []),
      ...(cell('formActionOrigin')
        ? [{ name: 'formActionOrigin', value: cell('formActionOrigin'), type: 'text' }]
        : []),
    ],
  }),
};

/**
 * LastPass's CSV export. A row whose url is `http://sn` is a secure note
 * (its text in `extra`); `extra` of a site is its notes; `grouping` is the
 * folder; `fav` 1 a favourite; `totp` (newer exports) the TOTP secret.
 */
export const LASTPASS_CSV: MappedCsvFormat = {
  format: 'lastpass-csv',
  required: ['url', 'username', 'password', 'extra', 'name', 'grouping'],
  columns: ['url', 'username', 'password', 'totp', 'extra', 'name', 'grouping', 'fav'],
  map: (cell) => {
    const note = cell('url') === 'http://sn';
    return {
      type: note ? 'note' : 'login',
      name: cell('name') ?? hostOf(cell('url')),
      ...(note
        ? {}
        : { url: cell('url'), username: cell('username'), password: cell('password'), totp: cell('totp') }),
      notes: cell('extra'),
      folder: cell('grouping'),
      favorite: cell('fav') === '1' ? true : undefined,
    };
  },
};

/**
 * KeePassXC's CSV export. `Group` is the folder, without KeePass's root
 * group (`Root/Emails` is `Emails`); newer exports' `TOTP` is the TOTP
 * secret; `Icon`, `Last Modified` and `Created` are KeePassXC's bookkeeping.
 */
export const KEEPASSXC_CSV: MappedCsvFormat = {
  format: 'keepassxc-csv',
  required: ['Group', 'Title', 'Username', 'Password', 'URL', 'Notes'],
  columns: ['Group', 'Title', 'Username', 'Password', 'URL', 'Notes', 'TOTP'],
  bookkeeping: ['Icon', 'Last Modified', 'Created'],
  map: (cell) => {
    const group = cell('Group')?.replace(/^Root(\/|$)/, '');
    return {
      name: cell('Title') ?? hostOf(cell('URL')),
      url: cell('URL'),
      username: cell('Username'),
      password: cell('Password'),
      totp: cell('TOTP'),
      notes: cell('Notes'),
      folder: group === '' ? undefined : group,
    };
  },
};

/**
 * 1Password 8's CSV export: `OTPAuth` is the TOTP secret, `Favorite` "true"
 * a favourite, `Tags` comma-separated; `Archived` is 1Password's bookkeeping.
 */
export const ONEPASSWORD_CSV: MappedCsvFormat = {
  format: '1password-csv',
  required: ['Title', 'Url', 'Username', 'Password'],
  columns: ['Title', 'Url', 'Username', 'Password', 'OTPAuth', 'Favorite', 'Tags', 'Notes'],
  bookkeeping: ['Archived'],
  map: (cell) => ({
    name: cell('Title') ?? hostOf(cell('Url')),
    url: cell('Url'),
    username: cell('Username'),
    password: cell('Password'),
    totp: cell('OTPAuth'),
    notes: cell('Notes'),
    tags: splitTags(cell('Tags')),
    favorite: cell('Favorite') === 'true' ? true : undefined,
  }),
};

/**
 * Chrome's (and Edge's and Brave's) password CSV: `note` is the notes; a
 * row without a name takes its url's host. Chrome does not escape formulas,
 * so cells are read as they are (a leading apostrophe stays).
 */
export const CHROME_CSV: MappedCsvFormat = {
  format: 'chrome-csv',
  required: ['name', 'url', 'username', 'password'],
  columns: ['name', 'url', 'username', 'password', 'note'],
  map: (cell) => ({
    name: cell('name') ?? cell('url'),
    url: cell('url'),
    username: cell('username'),
    password: cell('password'),
    notes: cell('note'),
  }),
};

/**
 * Safari's and Apple Passwords' CSV export (`Title,URL,Username,Password,
 * Notes,OTPAuth`; older ones without the last two). `OTPAuth` is the TOTP
 * secret as an otpauth:// URI.
 */
export const SAFARI_CSV: MappedCsvFormat = {
  format: 'safari-csv',
  required: ['Title', 'URL', 'Username', 'Password'],
  columns: ['Title', 'URL', 'Username', 'Password', 'Notes', 'OTPAuth'],
  map: (cell) => ({
    name: cell('Title') ?? hostOf(cell('URL')),
    url: cell('URL'),
    username: cell('Username'),
    password: cell('Password'),
    notes: cell('Notes'),
    totp: cell('OTPAuth'),
  }),
};

/**
 * 1Password 7's and 4's CSV export (every field, one column each:
 * `Title,URL,Username,Password,Notes,Type` and a column per section). A
 * `Type` of Secure Note makes a note; any other Type is kept as a custom
 * field (pass-import's test export puts the folder there). `ainfo` (a
 * summary 1Password derives from the username) and `autosubmit` are
 * 1Password's bookkeeping; every other column is kept as a custom field.
 */
export const ONEPASSWORD_OLD_CSV: MappedCsvFormat = {
  format: '1password-old-csv',
  required: ['Title', 'URL', 'Username', 'Password', 'Type'],
  columns: ['Title', 'URL', 'Username', 'Password', 'Notes', 'Type'],
  bookkeeping: ['ainfo', 'autosubmit'],
  map: (cell) => {
    const note = /^secure ?note$/i.test(cell('Type') ?? '');
    return {
      type: note ? 'note' : 'login',
      name: cell('Title') ?? hostOf(cell('URL')),
      ...(note ? {} : { url: cell('URL'), username: cell('Username'), password: cell('Password') }),
      notes: cell('Notes'),
      fields: [
        ...(!note && cell('Type') ? [{ name: 'Type', value: cell('Type'), type: 'text' }] : []),
        // A note has no login members: whatever 1Password had there is kept, not dropped.
        ...(note
          ? (['URL', 'Username', 'Password'] as const).flatMap((c) =>
              cell(c) ? [{ name: c, value: cell(c), type: c === 'Password' ? 'hidden' : 'text' }] : [],
            )
          : []),
      ],
    };
  },
};
