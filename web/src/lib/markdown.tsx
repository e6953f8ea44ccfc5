import { memo, type ComponentProps } from 'react';
import ReactMarkdown, { defaultUrlTransform, type Options } from 'react-markdown';
import { Link as RouterLink } from 'react-router';
import remarkGfm from 'remark-gfm';
import { replaceShortcodes, useShortcodes, type Shortcodes } from './emoji';

/**
 * Links open in a new tab without handing it this window (no opener, no referrer); a path in this app (a
 * channel named in a bot's message) opens here.
 */
function Link({ node: _node, href, children, ...rest }: ComponentProps<'a'> & { node?: unknown }) {
  if (href?.startsWith('/') && !href.startsWith('//'))
    return (
      <RouterLink {...rest} to={href}>
        {children}
      </RouterLink>
    );
  return (
    <a {...rest} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** Images are shown as links: a remote image would leak the reader's address (and the CSP forbids it). */
function Image({ src, alt }: ComponentProps<'img'>) {
  const href = typeof src === 'string' ? src : undefined;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {alt || href}
    </a>
  );
}

/** What the shortcode plugin needs of a markdown tree's nodes. */
interface MarkdownNode {
  type: string;
  value?: string;
  children?: MarkdownNode[];
}

/**
 * `:shortcode:` → emoji in the words of a message (Slack apps, bots and webhooks write `:tada:`), never in
 * code, which is shown as written: code spans and blocks are nodes of their own, not `text`.
 */
function remarkShortcodes(shortcodes: Shortcodes) {
  const visit = (node: MarkdownNode) => {
    if (node.type === 'text' && node.value?.includes(':'))
      node.value = replaceShortcodes(node.value, shortcodes);
    node.children?.forEach(visit);
  };
  return (tree: MarkdownNode) => visit(tree);
}

const components = { a: Link, img: Image };
const plugins: Options['remarkPlugins'] = [remarkGfm];
/** The same list for every message once the table has loaded (it is loaded once). */
let withShortcodes: { table: Shortcodes; plugins: Options['remarkPlugins'] } | undefined;
const pluginsFor = (shortcodes: Shortcodes | undefined) => {
  if (!shortcodes) return plugins;
  if (withShortcodes?.table !== shortcodes)
    withShortcodes = { table: shortcodes, plugins: [remarkGfm, [remarkShortcodes, shortcodes]] };
  return withShortcodes.plugins;
};

/**
 * A message's text as markdown (GitHub flavour) rendered to React elements: raw HTML is dropped, URLs pass
 * react-markdown's filter, which keeps only http(s), mailto, tel and relative links (no javascript:), and
 * emoji shortcodes show as emoji once their table has loaded.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  // Parsing is the dearest part of drawing a row; memo keeps each list update (a new message, a reaction,
  // a presence change) from parsing every visible message again.
  const shortcodes = useShortcodes();
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={pluginsFor(shortcodes)}
        skipHtml
        urlTransform={defaultUrlTransform}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
