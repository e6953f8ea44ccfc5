import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api/client';
import { replaceShortcodes } from '../../lib/emoji';
import { Markdown } from '../../lib/markdown';
import { useObjectUrl } from '../../lib/object-url';
import { useBlocksContext } from './context';
import { mrkdwnToMarkdown } from './mrkdwn';
import type { TextObject } from './types';

/** mrkdwn through the client's markdown renderer (no raw HTML, safe links only). */
export function Mrkdwn({ text }: { text: string }) {
  const context = useBlocksContext();
  return <Markdown text={mrkdwnToMarkdown(text, context)} />;
}

/** Plain text as typed; its `:shortcodes:` become emoji when it asks for it (`emoji: true`). */
export function PlainText({ text, emoji }: { text: string; emoji?: boolean }) {
  const { shortcodes } = useBlocksContext();
  return <>{emoji && shortcodes ? replaceShortcodes(text, shortcodes) : text}</>;
}

/** A text object as its type says. */
export function SlackText({ text }: { text: TextObject }) {
  return text.type === 'mrkdwn' ? (
    <Mrkdwn text={text.text} />
  ) : (
    <span className="plain-text">
      <PlainText text={text.text} emoji={text.emoji} />
    </span>
  );
}

/** A text object's words alone, for a control's label or an option. */
export function useTextOf() {
  const { shortcodes } = useBlocksContext();
  return (text: TextObject | undefined) =>
    text && text.type === 'plain_text' && text.emoji && shortcodes
      ? replaceShortcodes(text.text, shortcodes)
      : (text?.text ?? '');
}

/**
 * A picture a block names by URL, served re-encoded by the server (the CSP admits only the page's own images,
 * and readers' addresses stay private); its alt text stands in while it loads or when it cannot be had.
 */
export function BlockImage({ url, alt, className }: { url: string; alt: string; className?: string }) {
  const { t } = useTranslation();
  const { messageId } = useBlocksContext();
  const image = useQuery({
    queryKey: ['block-image', messageId, url],
    staleTime: Infinity,
    retry: false,
    queryFn: async () => {
      const { data, response } = await api.GET('/api/v1/messages/{messageId}/images', {
        params: { path: { messageId }, query: { url } },
        parseAs: 'blob',
      });
      if (!response.ok || !data) throw new Error(`block image: ${response.status}`);
      return data;
    },
  });
  const src = useObjectUrl(image.data);
  if (src) return <img className={className} src={src} alt={alt} />;
  const placeholder = `${className ?? ''} image-placeholder`;
  if (!alt) return <span className={placeholder} aria-hidden="true" />;
  return (
    <span className={placeholder} role="img" aria-label={alt}>
      {image.isError ? t('blocks.imageUnavailable', { alt }) : ''}
    </span>
  );
}
