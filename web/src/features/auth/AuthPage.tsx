import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { ErrorNote } from '../../components/ErrorNote';
import { api, data } from '../../lib/api/client';
import { session, useSession } from '../../lib/session';
import { useAuthProviders, useSsoReturn } from './api';
import { ForgotPassword } from './ForgotPassword';

/** Sign in, or create an account (mode "signup"); then back to where the person was going. */
export function AuthPage({ mode }: { mode: 'signin' | 'signup' }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const next = params.get('next')?.startsWith('/') ? params.get('next')! : '/';
  const current = useSession();
  const providers = useAuthProviders();
  const ssoReturn = useSsoReturn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const submit = useMutation({
    mutationFn: () =>
      mode === 'signup'
        ? data(api.POST('/api/v1/auth/register', { body: { email, password, displayName } }))
        : data(api.POST('/api/v1/auth/login', { body: { email, password } })),
    onSuccess: (answer) => session.set(answer),
  });
  if (current) return <Navigate to={next} replace />;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };
  const otherMode = mode === 'signup' ? 'signin' : 'signup';
  return (
    <main className="auth-page">
      <form className="card auth-form" onSubmit={onSubmit}>
        <h1>{mode === 'signup' ? t('auth.join') : t('auth.welcome')}</h1>
        {mode === 'signup' && (
          <label>
            {t('auth.displayName')}
            <input
              name="displayName"
              autoComplete="name"
              required
              value={displayName}
              onChange={(event) => setDisplayName(event.target.value)}
            />
          </label>
        )}
        <label>
          {t('auth.email')}
          <input
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label>
          {t('auth.password')}
          <input
            name="password"
            type="password"
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
            minLength={8}
            required
            aria-describedby={mode === 'signup' ? 'password-hint' : undefined}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {mode === 'signup' && (
          <p id="password-hint" className="muted">
            {t('auth.passwordHint')}
          </p>
        )}
        <ErrorNote error={submit.error ?? ssoReturn.error} />
        <button type="submit" className="button primary" disabled={submit.isPending}>
          {mode === 'signup' ? t('auth.signUp') : t('auth.signIn')}
        </button>
        {mode === 'signin' && providers.data?.passwordReset && <ForgotPassword initialEmail={email} />}
        {providers.data?.sso && (
          <>
            <p className="divider muted">{t('signin.or')}</p>
            <a className="button sso-button" href="/api/v1/auth/sso/login">
              {t('signin.sso')}
            </a>
          </>
        )}
        <p>
          {mode === 'signup' ? t('auth.haveAccount') : t('auth.noAccount')}{' '}
          <Link to={`/${otherMode}${params.size ? `?${params.toString()}` : ''}`}>
            {mode === 'signup' ? t('auth.signIn') : t('auth.signUp')}
          </Link>
        </p>
      </form>
    </main>
  );
}
