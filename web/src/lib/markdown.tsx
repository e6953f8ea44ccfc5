import { memo, type ComponentProps } from 'react';
import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';
import { Link as RouterLink } from 'react-router';
import remarkGfm from 'remark-gfm';

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

const components = { a: Link, img: Image };
const plugins = [remarkGfm];

/**
 * A message's text as markdown (GitHub flavour) rendered to React elements: raw HTML is dropped, and URLs pass
 * react-markdown's filter, which keeps only http(s), mailto, tel and relative links (no javascript:).
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  // Parsing is the dearest part of drawing a row; memo keeps each list update (a new message, a reaction,
  // a presence change) from parsing every visible message again.
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={plugins}
        skipHtml
        urlTransform={defaultUrlTransform}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
