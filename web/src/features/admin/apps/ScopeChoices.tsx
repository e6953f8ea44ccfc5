import { useTranslation } from 'react-i18next';
import type { Messages } from '../../../locales/en';
import type { Scope } from './api';
import { SCOPES } from './scopes';

/** Checkboxes named `scopes`, one per scope, with what each lets do. */
export function ScopeChoices({ legend, checked = [] }: { legend: string; checked?: string[] }) {
  const { t } = useTranslation();
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {SCOPES.map((scope) => (
        <label key={scope} className="checkbox">
          <input type="checkbox" name="scopes" value={scope} defaultChecked={checked.includes(scope)} />
          <code>{scope}</code>
          <span className="muted">{t(`admin.apps.scopeText.${scopeKey(scope)}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** i18next reads `:` as a namespace separator: keys use `_`. */
const scopeKey = (scope: Scope) => scope.replace(':', '_') as keyof Messages['admin']['apps']['scopeText'];
