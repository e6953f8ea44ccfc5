import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { ConfirmDialog } from '../ConfirmDialog';
import { text, texts } from '../form-fields';
import { SecretDialog, type Secret } from '../SecretDialog';
import { usePersonalTokenActions, usePersonalTokens, type PersonalToken, type Scope } from './api';
import { ScopeChoices } from './ScopeChoices';

/** The signed-in person's personal access tokens: without scopes a token has all their rights. */
export function PersonalTokens() {
  const { t } = useTranslation();
  const tokens = usePersonalTokens();
  const actions = usePersonalTokenActions();
  const [shown, setShown] = useState<Secret[] | null>(null);
  const [revoking, setRevoking] = useState<PersonalToken | null>(null);

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const scopes = texts(fields, 'scopes') as Scope[];
    const expires = text(fields, 'expiresAt');
    actions.create.mutate(
      {
        name: text(fields, 'name'),
        ...(scopes.length > 0 ? { scopes } : {}),
        // The end of the chosen day, in the person's time zone.
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      },
      {
        onSuccess: (created) => {
          form.reset();
          setShown([{ label: t('admin.tokens.token'), value: created.token }]);
        },
      },
    );
  };

  return (
    <section className="stack" aria-labelledby="personal-tokens">
      <h2 id="personal-tokens">{t('admin.tokens.title')}</h2>
      <form className="stack card" onSubmit={create}>
        <label>
          {t('admin.tokens.name')}
          <input name="name" required maxLength={100} />
        </label>
        <label>
          {t('admin.tokens.expires')}
          <input name="expiresAt" type="date" />
        </label>
        <ScopeChoices legend={t('admin.tokens.scopes')} />
        <p className="muted">{t('admin.tokens.scopesHint')}</p>
        <ErrorNote error={actions.create.error} />
        <div className="actions">
          <button type="submit" className="button primary" disabled={actions.create.isPending}>
            {t('admin.tokens.create')}
          </button>
        </div>
      </form>
      {tokens.data && tokens.data.length > 0 && (
        <table className="admin-table">
          <caption className="visually-hidden">{t('admin.tokens.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.tokens.name')}</th>
              <th scope="col">{t('admin.tokens.scopes')}</th>
              <th scope="col">{t('admin.tokens.expires')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.scopes ? token.scopes.join(', ') : t('admin.tokens.allRights')}</td>
                <td>
                  {token.expiresAt ? new Date(token.expiresAt).toLocaleDateString() : t('admin.tokens.never')}
                </td>
                <td className="admin-row-actions">
                  <button type="button" className="button small" onClick={() => setRevoking(token)}>
                    {t('admin.tokens.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={tokens.error} />
      <SecretDialog title={t('admin.tokens.createdTitle')} secrets={shown} onClose={() => setShown(null)} />
      <ConfirmDialog
        open={revoking !== null}
        title={t('admin.tokens.revokeTitle', { name: revoking?.name })}
        explanation={t('admin.tokens.revokeExplain')}
        actionLabel={t('admin.tokens.revoke')}
        onConfirm={() =>
          revoking && actions.revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })
        }
        onClose={() => {
          setRevoking(null);
          actions.revoke.reset();
        }}
        error={actions.revoke.error}
        pending={actions.revoke.isPending}
      />
    </section>
  );
}
