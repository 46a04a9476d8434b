import { useState } from 'preact/hooks';
import { request } from './api';
import type { Ctx } from './navigation';
import { Field } from './ui';

/** Change the login password. */
export function Account({ guard, setStatus }: Ctx) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    void guard(async () => {
      await request('POST', '/v1/account/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setStatus('Password changed. Your other sessions have been logged out.');
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="account-title">
      <h2 id="account-title">Change login password</h2>
      <Field
        id="current-password"
        label="Current password"
        type="password"
        value={current}
        onInput={setCurrent}
        autoComplete="current-password"
      />
      <Field
        id="new-password"
        label="New password"
        type="password"
        value={next}
        onInput={setNext}
        autoComplete="new-password"
      />
      <button type="submit">Change password</button>
    </form>
  );
}
