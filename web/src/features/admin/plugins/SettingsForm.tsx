import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProblemField } from '../../../lib/api/client';
import { AllowedHostsEditor } from './AllowedHostsEditor';

export interface Configuration {
  settings: Record<string, unknown>;
  allowedHosts: string[];
}

interface SettingsFormProps {
  settingsSchema: Record<string, unknown>;
  settings: Record<string, unknown>;
  /** Secret settings that hold a value: offered for replacing, never shown. */
  secretsSet: string[];
  allowedHosts: string[];
  /** Whether the plugin asks for HTTP at all; only then may an admin allow more hosts. */
  mayCallHosts: boolean;
  /** The server's 400 fields (`settings/…`, `allowedHosts/…`), shown on the fields they name. */
  fieldErrors: ProblemField[];
  submitLabel: string;
  pending: boolean;
  onSubmit: (configuration: Configuration) => void;
}

type Properties = Record<string, { writeOnly?: boolean; title?: string }>;

/** "reminderLeadMinutes" → "Reminder lead minutes", for properties the plugin gave no title. */
const humanize = (name: string) => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * An install's configuration: the form generated from the plugin's settings schema, its secrets (write-only)
 * and the hosts the admin allows. The server validates (the page's CSP forbids the code generation ajv
 * compiles schemas with), and its 400 errors land on the fields they name.
 */
/** The form's part of the settings schema (secrets are edited apart), with readable titles. */
function splitSchema(settingsSchema: Record<string, unknown>) {
  const properties = (settingsSchema.properties ?? {}) as Properties;
  const secretNames = Object.keys(properties).filter((name) => properties[name]!.writeOnly);
  const shown = Object.fromEntries(
    Object.entries(properties).filter(([name]) => !secretNames.includes(name)),
  );
  const required = (settingsSchema.required as string[] | undefined)?.filter(
    (name) => !secretNames.includes(name),
  );
  const uiSchema: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  for (const [name, property] of Object.entries(shown)) {
    if (!property.title) uiSchema[name] = { 'ui:title': humanize(name) };
  }
  const schema = { ...settingsSchema, properties: shown, required } as RJSFSchema;
  return { schema, uiSchema, properties, secretNames };
}

export function SettingsForm(props: SettingsFormProps) {
  const { t } = useTranslation();
  const { schema, uiSchema, properties, secretNames } = useMemo(
    () => splitSchema(props.settingsSchema),
    [props.settingsSchema],
  );
  const [settings, setSettings] = useState(props.settings);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [hosts, setHosts] = useState(props.allowedHosts);

  const settingErrors = errorsUnder(props.fieldErrors, 'settings');
  const extraErrors = useMemo(
    () =>
      toErrorSchema(
        errorsUnder(props.fieldErrors, 'settings').filter((field) => !secretNames.includes(field.path)),
      ),
    [props.fieldErrors, secretNames],
  );

  return (
    <Form
      schema={schema}
      uiSchema={uiSchema}
      validator={validator}
      formData={settings}
      onChange={(event) => setSettings((event.formData ?? {}) as Record<string, unknown>)}
      noValidate
      noHtml5Validate
      showErrorList={false}
      extraErrors={extraErrors}
      className="stack plugin-settings"
      onSubmit={(event) => {
        // Secrets left empty keep their stored value (the server merges them).
        const entered = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== ''));
        props.onSubmit({
          settings: { ...(event.formData as Record<string, unknown>), ...entered },
          allowedHosts: hosts,
        });
      }}
    >
      {secretNames.length > 0 && (
        <fieldset className="stack">
          <legend>{t('admin.plugins.secrets')}</legend>
          {secretNames.map((name) => {
            const set = props.secretsSet.includes(name);
            const errors = settingErrors.filter((field) => field.path === name);
            return (
              <div key={name} className="stack secret-field">
                <label htmlFor={`secret-${name}`}>
                  {properties[name]!.title ?? humanize(name)}{' '}
                  <span className="tag">
                    {set ? t('admin.plugins.secretSet') : t('admin.plugins.secretNotSet')}
                  </span>
                </label>
                <input
                  id={`secret-${name}`}
                  type="password"
                  autoComplete="off"
                  placeholder={set ? t('admin.plugins.secretReplace') : t('admin.plugins.secretSetIt')}
                  aria-describedby={errors.length > 0 ? `secret-${name}-error` : undefined}
                  value={secrets[name] ?? ''}
                  onChange={(event) => setSecrets({ ...secrets, [name]: event.target.value })}
                />
                {errors.length > 0 && (
                  <p className="error" id={`secret-${name}-error`}>
                    {errors.map((field) => field.message).join('; ')}
                  </p>
                )}
              </div>
            );
          })}
        </fieldset>
      )}
      {props.mayCallHosts && (
        <AllowedHostsEditor
          hosts={hosts}
          onChange={setHosts}
          errors={errorsUnder(props.fieldErrors, 'allowedHosts')}
        />
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={props.pending}>
          {props.submitLabel}
        </button>
      </div>
    </Form>
  );
}

/** The failing fields under `prefix`, their paths relative to it (`settings/timezone` → `timezone`). */
const errorsUnder = (fields: ProblemField[], prefix: string) =>
  fields
    .filter((field) => field.path === prefix || field.path.startsWith(`${prefix}/`))
    .map((field) => ({ ...field, path: field.path.slice(prefix.length + 1) }));

/** The server's failing fields as rjsf's error schema: `a/b` → `{a: {b: {__errors: [...]}}}`. */
function toErrorSchema(fields: ProblemField[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const field of fields) {
    let node = root;
    for (const segment of field.path.split('/').filter(Boolean)) {
      node = (node[segment] ??= {}) as Record<string, unknown>;
    }
    ((node.__errors ??= []) as string[]).push(field.message);
  }
  return root as ErrorSchema;
}
