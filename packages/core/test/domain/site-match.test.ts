import { searchBeaconValues, siteParts, uriBeaconValues, uriMatches } from '../../src/domain/site-match';

describe('site matching by match rule', () => {
  it.each([
    // stored URI, searched address, match
    ['https://accounts.google.com/signin', 'google.com', true],
    ['https://console.aws.amazon.com/', 'aws.amazon.com', true],
    ['https://www.bbc.co.uk', 'https://bbc.co.uk/news', true],
    ['https://bbc.co.uk', 'cnn.co.uk', false], // co.uk is a public suffix: two sites
    ['https://alice.github.io', 'bob.github.io', false], // a private suffix too: two sites
    ['https://alice.github.io/app', 'ALICE.github.io.', true],
    ['http://127.0.0.1:8080', '127.0.0.1', true],
    ['not a url at all', 'example.com', false],
  ])('domain (default): %s for %s is %s', (uri, searched, expected) => {
    expect(uriMatches({ uri }, searched)).toBe(expected);
  });

  it('host: the same host and port, not the same domain', () => {
    const uri = { uri: 'https://mail.example.com:8443/', match: 'host' as const };
    expect(uriMatches(uri, 'https://mail.example.com:8443/inbox')).toBe(true);
    expect(uriMatches(uri, 'mail.example.com')).toBe(false);
    expect(uriMatches(uri, 'https://www.example.com:8443')).toBe(false);
  });

  it('startsWith, exact, regex and never', () => {
    expect(uriMatches({ uri: 'https://a.example/app', match: 'startsWith' }, 'https://a.example/app/x')).toBe(
      true,
    );
    expect(uriMatches({ uri: 'https://a.example/app', match: 'startsWith' }, 'https://a.example/')).toBe(
      false,
    );
    expect(uriMatches({ uri: 'https://a.example/', match: 'exact' }, 'https://a.example/')).toBe(true);
    expect(uriMatches({ uri: 'https://a.example/', match: 'exact' }, 'https://a.example/x')).toBe(false);
    expect(
      uriMatches({ uri: '^https://(.+\\.)?corp\\.example/', match: 'regex' }, 'https://VPN.corp.example/'),
    ).toBe(true);
    expect(uriMatches({ uri: '([unclosed', match: 'regex' }, 'https://a.example')).toBe(false);
    expect(uriMatches({ uri: 'https://a.example', match: 'never' }, 'https://a.example')).toBe(false);
  });

  it('gives each URI the beacon values a search for a matching address looks up', () => {
    const cases: [Parameters<typeof uriMatches>[0], string][] = [
      [{ uri: 'https://accounts.google.com' }, 'google.com'],
      [{ uri: 'https://mail.example.com:8443', match: 'host' }, 'https://mail.example.com:8443/x'],
      [{ uri: 'https://a.example/app', match: 'startsWith' }, 'https://a.example/app/x'],
      [{ uri: 'https://a.example/', match: 'exact' }, 'https://a.example/'],
      [{ uri: '.*', match: 'regex' }, 'anything.example'],
    ];
    for (const [uri, searched] of cases) {
      expect(uriMatches(uri, searched)).toBe(true);
      const sought = new Set(searchBeaconValues(searched).map((v) => v.join(':')));
      expect(uriBeaconValues(uri).some((v) => sought.has(v.join(':')))).toBe(true);
    }
    expect(uriBeaconValues({ uri: 'https://a.example', match: 'never' })).toEqual([]);
  });

  it('reads an address without scheme, in any case, without www. or a trailing dot', () => {
    expect(siteParts('WWW.Example.COM.')).toEqual({
      host: 'example.com',
      hostname: 'example.com',
      domain: 'example.com',
    });
    expect(siteParts('')).toBeUndefined();
  });
});
