import type { ReactNode } from 'react';
import type { AuthType, ConnectionAuthInput } from '../api';

/** The credential fields of the wizard and of the connection editor, as the form holds them. */
export interface AuthFormState {
  authType: AuthType;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  scope: string;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  appSecret: string;
  appUser: string;
  audience: string;
  lifetimeSeconds: string;
  basicUser: string;
  basicPassword: string;
}

export const initialAuthForm: AuthFormState = {
  authType: 'client_credentials',
  clientId: '',
  clientSecret: '',
  tokenUrl: '',
  scope: '',
  tokenEndpointAuthMethod: 'client_secret_basic',
  appSecret: '',
  appUser: '',
  audience: '',
  lifetimeSeconds: '',
  basicUser: '',
  basicPassword: '',
};

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

export function toAuthInput(f: AuthFormState): ConnectionAuthInput {
  switch (f.authType) {
    case 'client_credentials':
      return {
        type: 'client_credentials',
        clientId: f.clientId.trim(),
        clientSecret: f.clientSecret,
        tokenUrl: opt(f.tokenUrl),
        scope: opt(f.scope),
        tokenEndpointAuthMethod: f.tokenEndpointAuthMethod,
      };
    case 'connected_app':
      return {
        type: 'connected_app',
        clientId: f.clientId.trim(),
        secret: f.appSecret,
        user: f.appUser.trim(),
        audience: opt(f.audience),
        lifetimeSeconds: f.lifetimeSeconds.trim() ? Number(f.lifetimeSeconds) : undefined,
      };
    case 'basic':
      return { type: 'basic', user: f.basicUser.trim(), password: f.basicPassword };
  }
}

/**
 * The CA certificate of an X3 server with a self-signed or in-house certificate. Public, so
 * not a password field; the API shows it back as subject and fingerprint only.
 */
export function CaCertificateField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={id}>
        CA certificate (PEM){' '}
        <span className="muted">(only for an X3 server with a self-signed or in-house certificate)</span>
      </label>
      <textarea
        id={id}
        className="mono"
        rows={5}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
        spellCheck={false}
        autoComplete="off"
      />
    </>
  );
}

export function AuthFields<F extends AuthFormState>({
  form,
  setForm,
  idPrefix,
  advanced,
}: {
  form: F;
  setForm: (update: (f: F) => F) => void;
  idPrefix: string;
  /** More fields for the Advanced section, whatever the authentication type (say, the CA certificate). */
  advanced?: ReactNode;
}) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const set =
    <K extends keyof AuthFormState>(k: K) =>
    (e: { target: { value: string } }) =>
      setForm((f) => ({ ...f, [k]: e.target.value }));
  /** A required secret: label and password input, never filled in by the browser. */
  const secretField = (k: 'clientSecret' | 'appSecret' | 'basicPassword', name: string, label: string) => (
    <>
      <label htmlFor={id(name)}>{label}</label>
      <input
        id={id(name)}
        type="password"
        value={form[k]}
        onChange={set(k)}
        required
        autoComplete="new-password"
      />
    </>
  );

  return (
    <>
      <div className="radio-row" role="radiogroup" aria-label="Authentication type">
        {(
          [
            ['client_credentials', 'OAuth2 client'],
            ['connected_app', 'Connected app'],
            ['basic', 'Basic'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name={id('authType')}
              value={value}
              checked={form.authType === value}
              onChange={() => setForm((f) => ({ ...f, authType: value }))}
            />
            {label}
          </label>
        ))}
      </div>

      {form.authType !== 'basic' ? (
        <>
          <label htmlFor={id('client-id')}>Client ID</label>
          <input
            id={id('client-id')}
            value={form.clientId}
            onChange={set('clientId')}
            required
            autoComplete="off"
            spellCheck={false}
          />
        </>
      ) : null}

      {form.authType === 'client_credentials' ? (
        <>
          {secretField('clientSecret', 'client-secret', 'Client secret')}
          <details className="advanced">
            <summary>Advanced</summary>
            <label htmlFor={id('token-url')}>
              Token URL <span className="muted">(default: host URL + /oauth2/token)</span>
            </label>
            <input id={id('token-url')} type="url" value={form.tokenUrl} onChange={set('tokenUrl')} />
            <label htmlFor={id('scope')}>Scope</label>
            <input id={id('scope')} value={form.scope} onChange={set('scope')} />
            <label htmlFor={id('auth-method')}>Client authentication</label>
            <select
              id={id('auth-method')}
              value={form.tokenEndpointAuthMethod}
              onChange={set('tokenEndpointAuthMethod')}
            >
              <option value="client_secret_basic">HTTP Basic header (client_secret_basic)</option>
              <option value="client_secret_post">In the form body (client_secret_post)</option>
            </select>
            {advanced}
          </details>
        </>
      ) : null}

      {form.authType === 'connected_app' ? (
        <>
          {secretField('appSecret', 'app-secret', 'Secret')}
          <label htmlFor={id('app-user')}>X3 user</label>
          <input id={id('app-user')} value={form.appUser} onChange={set('appUser')} required />
          <details className="advanced">
            <summary>Advanced</summary>
            <label htmlFor={id('audience')}>Audience</label>
            <input id={id('audience')} value={form.audience} onChange={set('audience')} />
            <label htmlFor={id('lifetime')}>Token lifetime (seconds)</label>
            <input
              id={id('lifetime')}
              type="number"
              min={15}
              max={3600}
              value={form.lifetimeSeconds}
              onChange={set('lifetimeSeconds')}
            />
            {advanced}
          </details>
        </>
      ) : null}

      {form.authType === 'basic' ? (
        <>
          <label htmlFor={id('basic-user')}>User</label>
          <input id={id('basic-user')} value={form.basicUser} onChange={set('basicUser')} required />
          {secretField('basicPassword', 'basic-password', 'Password')}
          {advanced ? (
            <details className="advanced">
              <summary>Advanced</summary>
              {advanced}
            </details>
          ) : null}
        </>
      ) : null}
    </>
  );
}
