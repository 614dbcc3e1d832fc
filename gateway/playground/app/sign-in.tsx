import { useGraphiQL, type GraphiQLPlugin } from '@graphiql/react';
import { useEffect, useState, type FormEvent } from 'react';
import { post } from './fetcher';

const SESSION_FIELDS = 'accessToken refreshToken accessTokenExpiresAt user { email displayName roles }';
const LOG_IN = `mutation PlaygroundLogIn($email: String!, $password: String!) { logIn(email: $email, password: $password) { ${SESSION_FIELDS} } }`;
const REFRESH = `mutation PlaygroundRefresh($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { ${SESSION_FIELDS} } }`;
const LOG_OUT = `mutation PlaygroundLogOut($refreshToken: String!) { logOut(refreshToken: $refreshToken) }`;
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

interface Session {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  user: { email: string | null; displayName: string; roles: string[] };
}

interface Editor {
  getValue(): string;
  setValue(value: string): void;
}

// Kept outside React: the panel unmounts when hidden, the session and its refresh go on.
const state: {
  session: Session | null;
  error: string | null;
  editor: Editor | null;
  timer?: ReturnType<typeof setTimeout>;
  refreshAt?: number;
  renewals: number;
  listeners: Set<() => void>;
} = {
  session: null,
  error: null,
  editor: null,
  renewals: 0,
  listeners: new Set(),
};
const changed = () => state.listeners.forEach((listener) => listener());

/** Puts `Authorization: Bearer <token>` into the headers editor (or takes it out), keeping the other headers. */
function writeAuthorization(token: string | null): void {
  if (!state.editor) return;
  let headers: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(state.editor.getValue() || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) headers = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: replaced by the Authorization header alone.
  }
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
  if (token) headers = { Authorization: `Bearer ${token}`, ...headers };
  state.editor.setValue(Object.keys(headers).length ? JSON.stringify(headers, null, 2) : '');
}

/**
 * Each tab has its own headers and a new tab starts without any: while signed in, the tab
 * switched to gets the session's token too (GraphiQL's onTabChange).
 */
export function keepSessionInHeaders(): void {
  // After GraphiQL has filled the editors with the tab's values (it calls back before storing them).
  setTimeout(() => {
    if (state.session) writeAuthorization(state.session.accessToken);
  });
}

/**
 * A minute before the token expires, or halfway through its life when that is shorter
 * (ACCESS_TOKEN_TTL_SECONDS=60). Counted from now by the token's own lifetime (exp - iat): a
 * browser clock that differs from the server's neither renews in a loop nor too late.
 */
function refreshDelay(session: Session): number {
  let lifetimeMs: number;
  try {
    const claims = JSON.parse(atob(session.accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { iat: number; exp: number };
    lifetimeMs = (claims.exp - claims.iat) * 1000;
  } catch {
    lifetimeMs = Date.parse(session.accessTokenExpiresAt) - Date.now();
  }
  return Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2, 1000);
}

function begin(session: Session): void {
  state.session = session;
  state.error = null;
  writeAuthorization(session.accessToken);
  clearTimeout(state.timer);
  const delay = refreshDelay(session);
  state.refreshAt = Date.now() + delay;
  state.timer = setTimeout(() => void refresh(), delay);
  changed();
}

async function refresh(): Promise<void> {
  if (!state.session) return;
  try {
    const renewed = (await post<{ refreshSession: Session }>(REFRESH, { refreshToken: state.session.refreshToken })).refreshSession;
    state.renewals += 1;
    begin(renewed);
  } catch (error) {
    state.session = null;
    state.error = `The session ended: ${(error as Error).message}`;
    writeAuthorization(null);
    changed();
  }
}

async function signOut(): Promise<void> {
  const session = state.session;
  clearTimeout(state.timer);
  state.session = null;
  writeAuthorization(null);
  changed();
  if (session) await post(LOG_OUT, { refreshToken: session.refreshToken }).catch(() => undefined);
}

function SignInPanel() {
  const headerEditor = useGraphiQL((s) => s.headerEditor);
  const [, render] = useState(0);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (headerEditor) state.editor = headerEditor;
  }, [headerEditor]);
  useEffect(() => {
    const listener = () => render((n) => n + 1);
    state.listeners.add(listener);
    return () => void state.listeners.delete(listener);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const session = (await post<{ logIn: Session }>(LOG_IN, { email, password })).logIn;
      state.renewals = 0;
      begin(session);
      setPassword('');
    } catch (error) {
      state.error = (error as Error).message;
      changed();
    } finally {
      setBusy(false);
    }
  };

  const { session, error } = state;
  return (
    <section className="playground-sign-in">
      <h2>Sign in</h2>
      {session ? (
        <div>
          <p role="status">
            Signed in as <strong>{session.user.displayName}</strong> ({session.user.email}), roles: {session.user.roles.join(', ') || 'none'}.
          </p>
          <p>
            The headers carry its access token, renewed before it expires (next at{' '}
            {new Date(state.refreshAt ?? 0).toLocaleTimeString()}){state.renewals ? `; renewed ${state.renewals} ${state.renewals === 1 ? 'time' : 'times'} so far` : ''}.
          </p>
          <button type="button" className="graphiql-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <p>Signs in with the logIn mutation and puts the access token into the headers (Authorization: Bearer …), for HTTP and subscriptions alike.</p>
          <label>
            E-mail
            <input name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            Password
            <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <button type="submit" className="graphiql-button" disabled={busy}>
            Sign in
          </button>
        </form>
      )}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}

function KeyIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <circle cx="8" cy="15" r="4" />
      <path d="M11 12l9-9M17 6l3 3M15 8l2 2" />
    </svg>
  );
}

/** The sign-in helper: e-mail and password → logIn, the token into the headers, refreshSession before it expires. */
export const signInPlugin: GraphiQLPlugin = { title: 'Sign in', icon: KeyIcon, content: SignInPanel };
