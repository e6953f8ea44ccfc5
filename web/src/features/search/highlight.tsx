import { findAll } from 'highlight-words-core';

/**
 * The words of a search as PostgreSQL's websearch syntax reads them, for highlighting: quotes and OR are
 * syntax, `-word` excludes (so it never matches), and words split at punctuation as the 'simple' parser does.
 */
export function searchTerms(query: string): string[] {
  return query
    .split(/\s+/)
    .filter((word) => word && word.toLowerCase() !== 'or' && !word.startsWith('-'))
    .flatMap((word) => word.split(/[^\p{L}\p{N}_]+/u))
    .filter(Boolean);
}

/** Characters of context shown before the first match of a long text. */
const LEAD = 60;
/** Longest excerpt shown of a long text. */
const EXCERPT = 320;

/**
 * The text with the search's words marked, as React elements (never HTML: the text is the author's). A long
 * text is cut to an excerpt around its first match.
 */
export function Highlighted({ text, terms }: { text: string; terms: string[] }) {
  const chunks = findAll({ searchWords: terms, textToHighlight: text, autoEscape: true });
  const firstHit = chunks.find((chunk) => chunk.highlight)?.start ?? 0;
  const from = text.length > EXCERPT ? Math.max(0, firstHit - LEAD) : 0;
  const to = Math.min(text.length, from + EXCERPT);
  const parts = chunks
    .filter((chunk) => chunk.end > from && chunk.start < to)
    .map((chunk) => ({ ...chunk, text: text.slice(Math.max(chunk.start, from), Math.min(chunk.end, to)) }));
  return (
    <>
      {from > 0 && '…'}
      {parts.map((part) => (part.highlight ? <mark key={part.start}>{part.text}</mark> : part.text))}
      {to < text.length && '…'}
    </>
  );
}
