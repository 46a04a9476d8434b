import { Fragment } from 'preact';
import { CARD_LABELS, IDENTITY_LABELS, type Item, openableHref } from './item-draft';
import { Masked } from './masked';
import { TotpCode } from './totp-code';

type Props = {
  item: Item;
  guard: (w: () => Promise<void>) => Promise<void>;
  setStatus: (s: string) => void;
};

const MATCH_LABELS: Record<string, string> = {
  host: 'same host',
  startsWith: 'starts with',
  exact: 'exact',
  regex: 'regular expression',
  never: 'never matches',
};

/** A login: its URIs (http(s) ones as links that open the site), username, password and TOTP code. */
export function LoginSection({ item, guard, setStatus }: Props) {
  const uris = item.uris ?? (item.url ? [{ uri: item.url }] : []);
  return (
    <>
      <dt>{uris.length > 1 ? 'Sites' : 'Site'}</dt>
      <dd>
        {uris.length === 0 ? (
          '—'
        ) : (
          <ul class="uris" data-testid="uris">
            {uris.map((u) => {
              const href = openableHref(u.uri);
              return (
                <li key={u.uri}>
                  {href ? (
                    <a href={href} target="_blank" rel="noopener noreferrer">
                      {u.uri}
                    </a>
                  ) : (
                    u.uri
                  )}
                  {u.match && u.match !== 'domain' ? (
                    <span class="hint"> ({MATCH_LABELS[u.match]})</span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </dd>
      <dt>Username</dt>
      <dd>{item.username ?? '—'}</dd>
      <dt>Password</dt>
      <dd>
        {item.password ? (
          <Masked
            value={item.password}
            label="Password"
            testId="password"
            guard={guard}
            setStatus={setStatus}
          />
        ) : (
          '—'
        )}
      </dd>
      {item.totp ? (
        <>
          <dt>TOTP code</dt>
          <dd>
            <TotpCode id={item.id} guard={guard} setStatus={setStatus} />
          </dd>
        </>
      ) : null}
    </>
  );
}

/** A card: number and security code masked, the rest as text. */
export function CardSection({ item, guard, setStatus }: Props) {
  const card = item.card ?? {};
  const expiry =
    card.expMonth || card.expYear
      ? `${(card.expMonth ?? '').padStart(2, '0')}/${card.expYear ?? ''}`
      : undefined;
  return (
    <>
      <dt>{CARD_LABELS.cardholderName}</dt>
      <dd>{card.cardholderName ?? '—'}</dd>
      <dt>{CARD_LABELS.brand}</dt>
      <dd>{card.brand ?? '—'}</dd>
      <dt>{CARD_LABELS.number}</dt>
      <dd>
        {card.number ? (
          <Masked
            value={card.number}
            label="Card number"
            testId="card-number"
            guard={guard}
            setStatus={setStatus}
          />
        ) : (
          '—'
        )}
      </dd>
      <dt>Expires</dt>
      <dd>{expiry ?? '—'}</dd>
      <dt>{CARD_LABELS.code}</dt>
      <dd>
        {card.code ? (
          <Masked
            value={card.code}
            label="Security code"
            testId="card-code"
            guard={guard}
            setStatus={setStatus}
          />
        ) : (
          '—'
        )}
      </dd>
    </>
  );
}

/** An identity: the members it has, in Bitwarden's order; the SSN, passport and licence numbers masked. */
export function IdentitySection({ item, guard, setStatus }: Props) {
  const identity = item.identity ?? {};
  const sensitive = new Set(['ssn', 'passportNumber', 'licenseNumber']);
  const present = (Object.keys(IDENTITY_LABELS) as (keyof typeof IDENTITY_LABELS)[]).filter(
    (k) => identity[k],
  );
  if (present.length === 0) return null;
  return (
    <>
      {present.map((k) => (
        <Fragment key={k}>
          <dt>{IDENTITY_LABELS[k]}</dt>
          <dd>
            {sensitive.has(k) ? (
              <Masked
                value={identity[k] as string}
                label={IDENTITY_LABELS[k]}
                testId={`identity-${k}`}
                guard={guard}
                setStatus={setStatus}
              />
            ) : (
              identity[k]
            )}
          </dd>
        </Fragment>
      ))}
    </>
  );
}

/** An SSH key: the private key masked, the public key and its fingerprint (computed by the server) shown. */
export function SshKeySection({ item, guard, setStatus }: Props) {
  const key = item.sshKey;
  if (!key) return null;
  return (
    <>
      <dt>Private key</dt>
      <dd>
        <Masked
          value={key.privateKey}
          label="Private key"
          testId="private-key"
          multiline
          guard={guard}
          setStatus={setStatus}
        />
      </dd>
      <dt>Public key</dt>
      <dd class="notes">{key.publicKey ?? '—'}</dd>
      <dt>Fingerprint</dt>
      <dd data-testid="fingerprint">{key.fingerprint ?? '—'}</dd>
    </>
  );
}

/** Custom fields: hidden ones masked with reveal, booleans as yes/no, linked ones naming the login field. */
export function CustomFields({ item, guard, setStatus }: Props) {
  const fields = item.fields ?? [];
  if (fields.length === 0) return null;
  return (
    <>
      {fields.map((f, i) => (
        <Fragment key={`${f.name}-${i}`}>
          <dt>{f.name || '(unnamed)'}</dt>
          <dd>
            {f.type === 'hidden' && f.value ? (
              <Masked
                value={f.value}
                label={f.name || 'field'}
                testId={`field-${i}`}
                guard={guard}
                setStatus={setStatus}
              />
            ) : f.type === 'boolean' ? (
              f.value === 'true' ? (
                'yes'
              ) : (
                'no'
              )
            ) : f.type === 'linked' ? (
              `the ${f.linked}`
            ) : (
              (f.value ?? '—')
            )}
          </dd>
        </Fragment>
      ))}
    </>
  );
}

/** Earlier passwords with the date each stopped being current, masked. */
export function PasswordHistory({ item, guard, setStatus }: Props) {
  const history = item.passwordHistory ?? [];
  if (history.length === 0) return null;
  return (
    <details>
      <summary>Password history ({history.length})</summary>
      <ul data-testid="password-history">
        {history.map((h, i) => (
          <li key={`${h.lastUsedDate}-${i}`}>
            {new Date(h.lastUsedDate).toLocaleString()}:{' '}
            <Masked
              value={h.password}
              label={`Old password ${i + 1}`}
              testId={`old-password-${i}`}
              guard={guard}
              setStatus={setStatus}
            />
          </li>
        ))}
      </ul>
    </details>
  );
}
