import { useState } from 'preact/hooks';
import { login, signup } from './api';
import { describe } from './describe';
import { Alert, Field } from './ui';

/** Log in, or create an account and log in. */
export function AuthScreen({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'signup') await signup(username, password);
      await login(username, password);
      onLoggedIn();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="card narrow">
      <h1>kmsvault</h1>
      <div class="tabs">
        <button type="button" aria-pressed={mode === 'login'} onClick={() => setMode('login')}>
          I have an account
        </button>
        <button type="button" aria-pressed={mode === 'signup'} onClick={() => setMode('signup')}>
          I am new here
        </button>
      </div>
      <form onSubmit={submit}>
        <h2>{mode === 'login' ? 'Log in' : 'Create an account'}</h2>
        <Field
          id="username"
          label="Username"
          value={username}
          onInput={setUsername}
          autoComplete="username"
        />
        <Field
          id="password"
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        />
        {mode === 'signup' ? (
          <p class="hint">At least 8 characters; 15 or more is better. Any characters, spaces too.</p>
        ) : null}
        <Alert message={error} />
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Sign up'}
        </button>
      </form>
    </main>
  );
}
