import { bodyOf, draftOf, emptyDraft, type Item, openableHref } from '../src/app/item-draft';

const base = { id: 'i', version: 2, tags: [] as string[], createdAt: 'c', updatedAt: 'u' };

describe("the web vault editor's draft", () => {
  it('round-trips a login with several URIs, match rules, TOTP, custom fields and favourite', () => {
    const item: Item = {
      ...base,
      type: 'login',
      name: 'Google',
      uris: [{ uri: 'https://accounts.google.com' }, { uri: 'https://mail.google.com', match: 'host' }],
      username: 'al',
      password: 'pw',
      totp: 'JBSWY3DPEHPK3PXP',
      favorite: true,
      tags: ['mail', 'work'],
      folder: 'Web',
      notes: 'n',
      fields: [
        { name: 'PIN', value: '1234', type: 'hidden' },
        { name: 'remember', value: 'true', type: 'boolean' },
        { name: 'user', type: 'linked', linked: 'username' },
      ],
    };
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...content } = item;
    expect(bodyOf(draftOf(item), item)).toEqual(content);
  });

  it('keeps the password history the form does not show, so an edit drops nothing', () => {
    const history = [{ password: 'old', lastUsedDate: '2026-01-01T00:00:00.000Z' }];
    const item: Item = { ...base, name: 'Bank', password: 'new', passwordHistory: history };
    const edited = { ...draftOf(item), name: 'Bank (joint)' };
    expect(bodyOf(edited, item)).toEqual({
      type: 'login',
      name: 'Bank (joint)',
      password: 'new',
      passwordHistory: history,
    });
  });

  it('reads an item written before types (no type, one url) as a login with one URI', () => {
    const legacy: Item = { ...base, name: 'Old', url: 'https://old.example', username: 'u' };
    expect(bodyOf(draftOf(legacy), legacy)).toEqual({
      type: 'login',
      name: 'Old',
      uris: [{ uri: 'https://old.example' }],
      username: 'u',
    });
  });

  it('sends only the members of the chosen type, and no empty ones', () => {
    const card = {
      ...emptyDraft('card'),
      name: 'Visa',
      username: 'left over from a login draft',
      card: { ...emptyDraft().card, number: '4111111111111111', expMonth: '4', expYear: '2029' },
    };
    expect(bodyOf(card)).toEqual({
      type: 'card',
      name: 'Visa',
      card: { number: '4111111111111111', expMonth: '4', expYear: '2029' },
    });
    const identity = {
      ...emptyDraft('identity'),
      name: 'Me',
      identity: { ...emptyDraft().identity, firstName: 'Al', email: 'al@example.com' },
    };
    expect(bodyOf(identity)).toEqual({
      type: 'identity',
      name: 'Me',
      identity: { firstName: 'Al', email: 'al@example.com' },
    });
    const key = {
      ...emptyDraft('sshKey'),
      name: 'deploy',
      privateKey: 'PRIVATE',
      publicKey: ' ssh-ed25519 AAAA \n',
    };
    expect(bodyOf(key)).toEqual({
      type: 'sshKey',
      name: 'deploy',
      sshKey: { privateKey: 'PRIVATE', publicKey: 'ssh-ed25519 AAAA' },
    });
    expect(bodyOf({ ...emptyDraft('note'), name: 'N', notes: 'text' })).toEqual({
      type: 'note',
      name: 'N',
      notes: 'text',
    });
  });

  it('opens only http(s) addresses as links; a javascript: or data: URI stays text', () => {
    expect(openableHref('https://bank.example/login')).toBe('https://bank.example/login');
    expect(openableHref('bank.example')).toBe('https://bank.example/');
    expect(openableHref('javascript:alert(1)')).toBeUndefined();
    expect(openableHref('JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(openableHref('data:text/html,<script>x</script>')).toBeUndefined();
    expect(openableHref('androidapp://com.example')).toBeUndefined();
  });
});
