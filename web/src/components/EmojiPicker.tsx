import { EmojiPicker as Picker } from 'frimousse';
import { useTranslation } from 'react-i18next';
import { EMOJIBASE_URL } from '../lib/emoji';

export interface EmojiPickerProps {
  onPick: (emoji: string) => void;
}

/**
 * Frimousse's picker: a search box and a virtualized grid (arrows move, Enter picks). It is unstyled (no injected
 * styles, see styles.css) and reads its data from our origin. Loaded on demand: see EmojiButton.
 */
export default function EmojiPicker({ onPick }: EmojiPickerProps) {
  const { t, i18n } = useTranslation();
  return (
    <Picker.Root
      className="emoji-picker"
      locale={i18n.language.startsWith('fr') ? 'fr' : 'en'}
      emojibaseUrl={EMOJIBASE_URL}
      columns={8}
      onEmojiSelect={({ emoji }) => onPick(emoji)}
    >
      <Picker.Search aria-label={t('emoji.search')} placeholder={t('emoji.search')} autoFocus />
      <Picker.Viewport className="emoji-picker-viewport">
        <Picker.Loading className="muted">{t('app.loading')}</Picker.Loading>
        <Picker.Empty className="muted">{t('emoji.none')}</Picker.Empty>
        <Picker.List
          className="emoji-picker-list"
          components={{
            CategoryHeader: ({ category, ...props }) => (
              <div className="emoji-picker-category" {...props}>
                {category.label}
              </div>
            ),
            Emoji: ({ emoji, ...props }) => (
              <button type="button" className="emoji-picker-emoji" {...props}>
                {emoji.emoji}
              </button>
            ),
          }}
        />
      </Picker.Viewport>
    </Picker.Root>
  );
}
