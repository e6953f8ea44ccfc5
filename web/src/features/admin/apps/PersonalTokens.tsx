import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { AdminTable } from '../AdminTable';
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
      <AdminTable
        caption={t('admin.tokens.title')}
        rows={tokens.data}
        rowKey={(token) => token.id}
        columns={[
          { header: t('admin.tokens.name'), cell: (token) => token.name },
          {
            header: t('admin.tokens.scopes'),
            cell: (token) => (token.scopes ? token.scopes.join(', ') : t('admin.tokens.allRights')),
          },
          {
            header: t('admin.tokens.expires'),
            cell: (token) =>
              token.expiresAt ? new Date(token.expiresAt).toLocaleDateString() : t('admin.tokens.never'),
          },
        ]}
        actions={(token) => (
          <button type="button" className="button small" onClick={() => setRevoking(token)}>
            {t('admin.tokens.revoke')}
          </button>
        )}
      />
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
