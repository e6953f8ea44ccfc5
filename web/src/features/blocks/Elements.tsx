import type { ChangeEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocksContext } from './context';
import { uuidOfSlackId } from './slack-ids';
import { useTextOf } from './SlackText';
import type { BlockAction, BlockElement, OptionObject } from './types';

const WEB_LINK = /^https?:\/\//i;

interface ElementProps {
  element: BlockElement;
  blockId?: string;
}

/**
 * What every interactive control shares: disabled, with a title saying why, while no app answers; otherwise
 * a use reports the action with the element's ids.
 */
function useControl({ element, blockId }: ElementProps) {
  const { t } = useTranslation();
  const { onAction, pending } = useBlocksContext();
  const report = (value?: string) =>
    onAction?.({ type: element.type, blockId, actionId: element.action_id, value } satisfies BlockAction);
  return {
    disabled: !onAction || pending,
    title: onAction ? undefined : t('blocks.notConnected'),
    report,
    onChange: (event: ChangeEvent<HTMLSelectElement | HTMLInputElement>) => report(event.target.value),
  };
}

function ButtonElement(props: ElementProps) {
  const { element } = props;
  const textOf = useTextOf();
  const { report, onChange: _onChange, ...control } = useControl(props);
  const className = `block-button${element.style ? ` ${element.style}` : ''}`;
  const label = element.accessibility_label || undefined;
  // A link button opens its page: it needs no app.
  if (element.url && WEB_LINK.test(element.url))
    return (
      <a
        className={className}
        href={element.url}
        target="_blank"
        rel="noopener noreferrer"
        aria-label={label}
      >
        {textOf(element.text)}
      </a>
    );
  return (
    <button
      type="button"
      className={className}
      aria-label={label}
      onClick={() => report(element.value)}
      {...control}
    >
      {textOf(element.text)}
    </button>
  );
}

function Options({ options }: { options: OptionObject[] }) {
  const textOf = useTextOf();
  return options.map((option) => (
    <option key={option.value} value={option.value}>
      {textOf(option.text)}
    </option>
  ));
}

/** A select whose first entry is its placeholder (chosen until the person picks something). */
function Select({
  props,
  label,
  initial,
  children,
}: {
  props: ElementProps;
  label: string;
  initial?: string;
  children: ReactNode;
}) {
  const { report: _report, ...control } = useControl(props);
  return (
    <select className="block-select" aria-label={label} defaultValue={initial ?? ''} {...control}>
      <option value="" disabled>
        {label}
      </option>
      {children}
    </select>
  );
}

function StaticSelect(props: ElementProps) {
  const { t } = useTranslation();
  const textOf = useTextOf();
  const { element } = props;
  return (
    <Select
      props={props}
      label={textOf(element.placeholder) || t('blocks.choose')}
      initial={element.initial_option?.value}
    >
      <Options options={element.options ?? []} />
      {(element.option_groups ?? []).map((group) => (
        <optgroup key={textOf(group.label)} label={textOf(group.label)}>
          <Options options={group.options} />
        </optgroup>
      ))}
    </Select>
  );
}

function Overflow(props: ElementProps) {
  const { t } = useTranslation();
  return (
    <Select props={props} label={t('blocks.moreOptions')}>
      <Options options={props.element.options ?? []} />
    </Select>
  );
}

/** A user or conversation picker: the one it starts on, by name; the list comes with the app's connection. */
function EntitySelect(props: ElementProps) {
  const { t } = useTranslation();
  const textOf = useTextOf();
  const { nameOf, channelName } = useBlocksContext();
  const { element } = props;
  const users = element.type === 'users_select';
  const initial = users ? element.initial_user : element.initial_conversation;
  const id = initial && uuidOfSlackId(initial, users ? 'UWB' : 'CGD');
  const name = id && (users ? nameOf(id) : `#${channelName(id) ?? initial}`);
  const fallback = users ? t('blocks.chooseUser') : t('blocks.chooseConversation');
  return (
    <Select props={props} label={textOf(element.placeholder) || fallback} initial={initial}>
      {initial && <option value={initial}>{name || initial}</option>}
    </Select>
  );
}

function DatePicker(props: ElementProps) {
  const { t } = useTranslation();
  const textOf = useTextOf();
  const { report: _report, ...control } = useControl(props);
  return (
    <input
      type="date"
      className="block-date"
      aria-label={textOf(props.element.placeholder) || t('blocks.pickDate')}
      defaultValue={props.element.initial_date}
      {...control}
    />
  );
}

const ELEMENTS: Record<string, (props: ElementProps) => ReactNode> = {
  button: ButtonElement,
  static_select: StaticSelect,
  overflow: Overflow,
  users_select: EntitySelect,
  conversations_select: EntitySelect,
  datepicker: DatePicker,
};

/** An interactive element by its type (an unknown one is left out, as Slack's clients do). */
export function Element(props: ElementProps) {
  const Shown = ELEMENTS[props.element.type];
  return Shown ? <Shown {...props} /> : null;
}
