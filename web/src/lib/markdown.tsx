import { createContext, memo, useContext, type ComponentProps } from 'react';
import ReactMarkdown, { defaultUrlTransform, type Options } from 'react-markdown';
import { Link as RouterLink } from 'react-router';
import remarkGfm from 'remark-gfm';
import { replaceShortcodes, useShortcodes, type Shortcodes } from './emoji';
import { mentionParts } from './mentions';

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

/** What the plugins need of a markdown tree's nodes (`data.hName`: the element a node of our own becomes). */
interface MarkdownNode {
  type: string;
  value?: string;
  children?: MarkdownNode[];
  data?: { hName: string; hProperties: Record<string, string> };
}

/** Who the `<@id>` mentions in a text are, and who reads it: a message row provides it to its markdown. */
export interface MentionNames {
  nameOf: (userId: string) => string;
  myId: string;
}
export const MentionNamesContext = createContext<MentionNames | undefined>(undefined);

/**
 * `<@id>` → a highlighted `@Name` (`mention`; also `mention-me` when it names the reader), as Slack shows
 * them; in code they stay as written. CommonMark reads `<@…>` as plain text: neither a link nor HTML.
 */
function remarkMentions(names: MentionNames) {
  const visit = (node: MarkdownNode) => {
    if (!node.children) return;
    node.children = node.children.flatMap((child): MarkdownNode[] => {
      if (child.type !== 'text' || !child.value?.includes('<@')) {
        visit(child);
        return [child];
      }
      return mentionParts(child.value).map((part) =>
        typeof part === 'string'
          ? { type: 'text', value: part }
          : {
              type: 'mention',
              data: {
                hName: 'span',
                hProperties: { className: part.userId === names.myId ? 'mention mention-me' : 'mention' },
              },
              children: [{ type: 'text', value: `@${names.nameOf(part.userId)}` }],
            },
      );
    });
  };
  return (tree: MarkdownNode) => visit(tree);
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
type Plugins = NonNullable<Options['remarkPlugins']>;
const plugins: Plugins = [remarkGfm];
/** The same list for every message once the table has loaded (it is loaded once). */
let withShortcodes: { table: Shortcodes; plugins: Plugins } | undefined;
const pluginsFor = (shortcodes: Shortcodes | undefined, mentions: MentionNames | undefined): Plugins => {
  let list = plugins;
  if (shortcodes) {
    if (withShortcodes?.table !== shortcodes)
      withShortcodes = { table: shortcodes, plugins: [remarkGfm, [remarkShortcodes, shortcodes]] };
    list = withShortcodes.plugins;
  }
  return mentions ? [...list, [remarkMentions, mentions]] : list;
};

/**
 * A message's text as markdown (GitHub flavour) rendered to React elements: raw HTML is dropped, URLs pass
 * react-markdown's filter, which keeps only http(s), mailto, tel and relative links (no javascript:), emoji
 * shortcodes show as emoji once their table has loaded, and `<@id>` mentions as names where MentionNamesContext
 * says who they are.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  // Parsing is the dearest part of drawing a row; memo keeps each list update (a new message, a reaction,
  // a presence change) from parsing every visible message again.
  const shortcodes = useShortcodes();
  const mentions = useContext(MentionNamesContext);
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={pluginsFor(shortcodes, mentions)}
        skipHtml
        urlTransform={defaultUrlTransform}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
