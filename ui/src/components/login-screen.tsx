import { useState, type FormEvent } from 'react';
import { ApiError, requestJson, saveAdminToken } from '../api/api-client.ts';

/**
 * Shown when the admin API answers 401: the session cookie from the one-time login link is missing or expired.
 * The pasted token is checked against the API, then kept in sessionStorage (this tab only).
 */
export function LoginScreen({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    saveAdminToken(trimmed);
    try {
      await requestJson('/admin/summary');
      onSignedIn();
    } catch (caught) {
      saveAdminToken(null);
      setError(caught instanceof ApiError && caught.isUnauthorized ? 'That token was not accepted.' : caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen" data-testid="login-screen">
      <form className="login-card" onSubmit={submit}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Understudy
        </div>
        <h1 className="login-title">Sign in to the dashboard</h1>
        <p className="muted">
          Open the one-time link printed by <code>understudy serve</code>, or paste the admin token (<code>understudy admin-token</code>).
        </p>
        <label className="field">
          <span className="field-label">Admin token</span>
          <input className="input" type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} autoFocus data-testid="admin-token-input" />
        </label>
        {error ? (
          <div className="form-error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="button button-primary button-block" disabled={busy || !token.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
