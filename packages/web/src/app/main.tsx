import { render } from 'preact';
import { useState } from 'preact/hooks';
import { isLoggedIn } from './api';
import { AuthScreen } from './auth-screen';
import { Vault } from './vault';

export { describe } from './describe';

function App() {
  const [loggedIn, setLoggedIn] = useState(isLoggedIn());
  return loggedIn ? (
    <Vault onLoggedOut={() => setLoggedIn(false)} />
  ) : (
    <AuthScreen onLoggedIn={() => setLoggedIn(true)} />
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
