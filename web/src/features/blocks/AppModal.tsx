import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog';
import { ApiError } from '../../lib/api/client';
import {
  closeView,
  sendViewAction,
  submitView,
  useOpenView,
  type AppView,
  type InputBlock,
  type ViewValues,
} from './api';
import { Blocks } from './Blocks';
import { BlocksContext, type BlocksContextValue } from './context';
import type { Block, BlockAction, OptionObject } from './types';

const fieldName = (block: InputBlock) => `${block.block_id}/${block.element.action_id ?? ''}`;

/** What the person filled in, by block_id and action_id, as the server takes a submission. */
function valuesOf(form: HTMLFormElement, blocks: InputBlock[]): ViewValues {
  const entries = new FormData(form);
  const values: ViewValues = {};
  for (const block of blocks) {
    const name = fieldName(block);
    const given = entries.getAll(name).map(String);
    const value = block.element.type === 'checkboxes' ? given : given[0] ? given[0] : null;
    values[block.block_id] = { [block.element.action_id ?? '']: value };
  }
  return values;
}

function Choices({ options }: { options: OptionObject[] }) {
  return options.map((option) => (
    <option key={option.value} value={option.value}>
      {option.text.text}
    </option>
  ));
}

/** One input of a modal: its label, its control, and the app's error for it, if any. */
function Input({ block, error }: { block: InputBlock; error?: string }) {
  const { t } = useTranslation();
  const { element } = block;
  const name = fieldName(block);
  const id = `view-input-${block.block_id}`;
  const errorId = `${id}-error`;
  const described = {
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined,
  };
  const required = !block.optional;
  const group = element.type === 'checkboxes' || element.type === 'radio_buttons';
  let control;
  switch (element.type) {
    case 'plain_text_input':
      control = element.multiline ? (
        <textarea
          id={id}
          name={name}
          required={required}
          defaultValue={element.initial_value}
          {...described}
        />
      ) : (
        <input id={id} name={name} required={required} defaultValue={element.initial_value} {...described} />
      );
      break;
    case 'static_select':
      control = (
        <select
          id={id}
          name={name}
          required={required}
          defaultValue={element.initial_option?.value ?? ''}
          {...described}
        >
          <option value="">{element.placeholder?.text ?? t('blocks.choose')}</option>
          <Choices options={element.options ?? []} />
          {(element.option_groups ?? []).map((optionGroup) => (
            <optgroup key={optionGroup.label.text} label={optionGroup.label.text}>
              <Choices options={optionGroup.options} />
            </optgroup>
          ))}
        </select>
      );
      break;
    case 'checkboxes':
    case 'radio_buttons': {
      const checked = new Set(
        (element.type === 'checkboxes' ? (element.initial_options ?? []) : [element.initial_option])
          .filter((option): option is OptionObject => Boolean(option))
          .map((option) => option.value),
      );
      control = (element.options ?? []).map((option) => (
        <label key={option.value} className="checkbox">
          <input
            type={element.type === 'checkboxes' ? 'checkbox' : 'radio'}
            name={name}
            value={option.value}
            defaultChecked={checked.has(option.value)}
            required={required && element.type === 'radio_buttons'}
          />
          {option.text.text}
        </label>
      ));
      break;
    }
    default:
      control = (
        <input
          type="date"
          id={id}
          name={name}
          required={required}
          defaultValue={element.initial_date}
          {...described}
        />
      );
  }
  const label = block.label.text;
  return (
    <div className="view-input">
      {group ? (
        <fieldset {...described}>
          <legend>{label}</legend>
          {control}
        </fieldset>
      ) : (
        <>
          <label htmlFor={id}>{label}</label>
          {control}
        </>
      )}
      {block.hint && <p className="muted">{block.hint.text}</p>}
      {error && (
        <p id={errorId} className="failed-note" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The top view of an app's modal: its blocks, its inputs with the app's errors on them, submit and close. */
function ViewForm({ view, onDone }: { view: AppView; onDone: () => void }) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const inputs = view.blocks.filter(
    (block): block is InputBlock & Record<string, unknown> => block.type === 'input',
  );
  // Controls in the modal's blocks go to its app with what the inputs hold; the app may update the view.
  const act = (action: BlockAction) => {
    setBusy(true);
    setFailure(undefined);
    sendViewAction(view.id, action, valuesOf(form.current!, inputs))
      .catch((error: Error) => setFailure(t('blocks.actionFailed', { detail: error.message })))
      .finally(() => setBusy(false));
  };
  // Modals show no message: nothing in them is served through one.
  const context: BlocksContextValue = {
    messageId: '',
    workspaceId: '',
    nameOf: (userId) => userId,
    channelName: () => undefined,
    onAction: act,
    pending: busy,
  };
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const answer = await submitView(view.id, valuesOf(event.currentTarget, inputs));
      setErrors(answer.errors ?? {});
    } catch (error) {
      const fields = error instanceof ApiError ? error.fields : [];
      // The server's own checks name `values/<block_id>/<action_id>`: shown on that input too.
      setErrors(Object.fromEntries(fields.map((field) => [field.path.split('/')[1] ?? '', field.message])));
      setFailure(t('blocks.submitFailed', { detail: (error as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      ref={form}
      className="stack view-form"
      onSubmit={(event) => void submit(event)}
      aria-busy={busy || undefined}
    >
      <BlocksContext.Provider value={context}>
        {view.blocks.map((block, index) =>
          block.type === 'input' ? (
            <Input
              key={index}
              block={block as unknown as InputBlock}
              error={errors[block.block_id as string]}
            />
          ) : (
            <Blocks key={index} blocks={[block as Block]} />
          ),
        )}
      </BlocksContext.Provider>
      {failure && (
        <p className="failed-note" role="alert">
          {failure}
        </p>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          {view.close?.text ?? t('blocks.cancel')}
        </button>
        {(view.submit || inputs.length > 0) && (
          <button type="submit" className="button primary" disabled={busy}>
            {view.submit?.text ?? t('blocks.submit')}
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * The modal an app opened for this person (views.open), as an accessible dialog; the socket tells it when the
 * app updates, pushes or closes views. Closing it tells the app (view_closed) when it asked.
 */
export function AppModal() {
  const view = useOpenView();
  const shown = useRef<string | undefined>(undefined);
  shown.current = view?.id;
  const close = () => {
    // Closed by the person (not by the app's answer, after which no view of it is left to close).
    if (shown.current) void closeView(shown.current).catch(() => undefined);
  };
  return (
    <Dialog title={view?.title.text ?? ''} open={Boolean(view)} onClose={close}>
      {view && <ViewForm key={view.hash} view={view} onDone={close} />}
    </Dialog>
  );
}
