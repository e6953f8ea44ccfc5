import { Menu } from 'lucide-react';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';

interface Drawer {
  open: boolean;
  setOpen: (open: boolean) => void;
  /** The menu button: focus comes back to it when the drawer closes. */
  buttonRef: React.RefObject<HTMLButtonElement | null>;
}

const DrawerContext = createContext<Drawer>({ open: false, setOpen: () => {}, buttonRef: { current: null } });

/** Elements behind the open drawer, made inert so that Tab stays in the drawer and screen readers skip them. */
const BEHIND_DRAWER = '#main, .thread-panel';

/**
 * On a phone the workspace rail and the sidebar are a drawer over the channel (styles.css, max-width 700px).
 * It closes on Esc, on the scrim, and when a channel is chosen (any navigation); focus goes into it on opening
 * and back to the menu button on closing.
 */
export function DrawerProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const behind = [...document.querySelectorAll<HTMLElement>(BEHIND_DRAWER)];
    for (const element of behind) element.inert = true;
    const current = document.querySelector<HTMLElement>('.sidebar a.active');
    (current ?? document.querySelector<HTMLElement>('.sidebar a, .sidebar button'))?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      // Esc inside a dialog opened from the drawer closes that dialog only.
      if (event.key === 'Escape' && !(event.target as Element).closest('dialog')) setOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      for (const element of behind) element.inert = false;
      document.removeEventListener('keydown', onKeyDown);
      // Now that the menu button is no longer inert, it can take focus back.
      buttonRef.current?.focus();
    };
  }, [open]);
  return (
    <DrawerContext.Provider value={{ open, setOpen, buttonRef }}>
      {children}
      {open && <div className="drawer-scrim" aria-hidden="true" onClick={() => setOpen(false)} />}
    </DrawerContext.Provider>
  );
}

export const useDrawer = () => useContext(DrawerContext);

/** The menu button of a phone's channel header (hidden on wider screens, where the sidebar is always shown). */
export function DrawerButton() {
  const { t } = useTranslation();
  const { open, setOpen, buttonRef } = useDrawer();
  return (
    <button
      ref={buttonRef}
      type="button"
      className="icon-button drawer-button"
      aria-label={t('shell.menu')}
      aria-expanded={open}
      onClick={() => setOpen(!open)}
    >
      <Menu />
    </button>
  );
}
