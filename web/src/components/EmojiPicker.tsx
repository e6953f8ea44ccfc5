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
            // Frimousse counts grid rows and columns from 0; ARIA (and axe) from 1. Columns are shifted; row 0 loses
            // its index, since frimousse finds rows by it to scroll them into view (row 0 it scrolls to by itself).
            Row: ({ children, ...props }) => (
              <div {...props} aria-rowindex={props['aria-rowindex'] || undefined}>
                {children}
              </div>
            ),
            Emoji: ({ emoji, ...props }) => (
              <button
                type="button"
                className="emoji-picker-emoji"
                {...props}
                aria-colindex={props['aria-colindex'] === undefined ? undefined : props['aria-colindex'] + 1}
              >
                {emoji.emoji}
              </button>
            ),
          }}
        />
      </Picker.Viewport>
    </Picker.Root>
  );
}
