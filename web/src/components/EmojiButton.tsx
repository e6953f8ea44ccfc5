import {
  lazy,
  Suspense,
  useEffect,
  useId,
  useRef,
  useState,
  type CSSProperties,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The picker and its library, loaded on first open (out of the initial bundle), once the emoji font is ready
 * (styles.css): the picker tells which emoji the browser can draw by drawing them.
 */
const EmojiPicker = lazy(async () => {
  const [picker] = await Promise.all([
    import('./EmojiPicker'),
    document.fonts.load("16px 'Twemoji Mozilla'", '😀').catch(() => []),
  ]);
  return picker;
});

interface EmojiButtonProps {
  /** The button's accessible name, e.g. "Add reaction". */
  label: string;
  onPick: (emoji: string) => void;
  className?: string;
  children: ReactNode;
}

const PICKER_HEIGHT = 360;
const PICKER_WIDTH = 340;
const MARGIN = 8;

/**
 * Where the popover goes: fixed to the viewport (a message list's scroller would clip it), above the button
 * when there is room, else below; its right edge at the button's, moved left or right to stay on screen.
 */
function placeBy(button: HTMLElement): CSSProperties {
  const rect = button.getBoundingClientRect();
  const width = Math.min(PICKER_WIDTH, window.innerWidth - 2 * MARGIN);
  const left = Math.min(Math.max(MARGIN, rect.right - width), window.innerWidth - width - MARGIN);
  return rect.top > PICKER_HEIGHT + MARGIN
    ? { bottom: window.innerHeight - rect.top + 4, left }
    : { top: rect.bottom + 4, left };
}

/** A button that opens the emoji picker in a popover; Esc or a click outside closes it, focus returns. */
export function EmojiButton({ label, onPick, className = 'icon-button', children }: EmojiButtonProps) {
  const { t } = useTranslation();
  const [place, setPlace] = useState<CSSProperties>();
  const open = place !== undefined;
  const setOpen = (on: boolean) => setPlace(on && button.current ? placeBy(button.current) : undefined);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const id = useId();
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!popover.current?.contains(target) && !button.current?.contains(target)) setPlace(undefined);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);
  return (
    <span className="emoji-button">
      <button
        ref={button}
        type="button"
        className={className}
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen(!open)}
      >
        {children}
      </button>
      {open && (
        <div
          ref={popover}
          id={id}
          className="emoji-popover"
          style={place}
          role="dialog"
          aria-label={t('emoji.picker')}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              close();
            }
          }}
        >
          <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
            <EmojiPicker
              onPick={(emoji) => {
                onPick(emoji);
                // Back to the button, unless picking moved the focus on purpose (into the composer).
                if (popover.current?.contains(document.activeElement)) close();
                else setOpen(false);
              }}
            />
          </Suspense>
        </div>
      )}
    </span>
  );
}
