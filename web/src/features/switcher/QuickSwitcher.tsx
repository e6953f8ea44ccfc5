import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api/client';
import { Dialog } from '../../components/Dialog';
import { ChannelLinkLabel } from '../unread/ChannelLinkLabel';

interface QuickSwitcherProps {
  open: boolean;
  onClose: () => void;
  channels: Channel[];
  titleOf: (channel: Channel) => string;
  go: (channel: Channel) => void;
}

/** Ctrl/Cmd+K: type part of a channel's or person's name, pick with ↑/↓ and Enter (a combobox over a listbox). */
export function QuickSwitcher(props: QuickSwitcherProps) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  // After the dialog's own effect has opened it (which focuses its first button): typing goes to the filter.
  useEffect(() => {
    if (props.open) input.current?.focus();
  }, [props.open]);
  return (
    <Dialog title={t('switcher.title')} open={props.open} onClose={props.onClose}>
      <SwitcherBody {...props} input={input} />
    </Dialog>
  );
}

function SwitcherBody({
  onClose,
  channels,
  titleOf,
  go,
  input,
}: QuickSwitcherProps & { input: RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const needle = query.trim().toLowerCase();
  const matches = channels.filter((channel) => titleOf(channel).toLowerCase().includes(needle));
  const current = Math.min(active, Math.max(0, matches.length - 1));
  const choose = (channel: Channel | undefined) => {
    if (!channel) return;
    onClose();
    go(channel);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + matches.length) % Math.max(1, matches.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(matches[current]);
    }
  };
  return (
    <div className="switcher">
      <input
        className="input"
        role="combobox"
        aria-label={t('switcher.label')}
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={matches[current] ? `${id}-${matches[current].id}` : undefined}
        aria-autocomplete="list"
        placeholder={t('switcher.placeholder')}
        ref={input}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul className="switcher-list" id={`${id}-list`} role="listbox" aria-label={t('switcher.results')}>
        {matches.map((channel, index) => (
          <li
            key={channel.id}
            id={`${id}-${channel.id}`}
            role="option"
            aria-selected={index === current}
            className={index === current ? 'active' : undefined}
            onClick={() => choose(channel)}
          >
            <ChannelLinkLabel channel={channel} title={titleOf(channel)} />
          </li>
        ))}
      </ul>
      {matches.length === 0 && <p className="muted">{t('switcher.none')}</p>}
    </div>
  );
}
