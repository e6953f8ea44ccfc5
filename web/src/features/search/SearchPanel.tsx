import { X } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorNote } from '../../components/ErrorNote';
import type { Member } from '../../lib/api/client';
import { messagePath } from '../links/links';
import { useSearch } from './api';
import { Highlighted, searchTerms } from './highlight';

/** "3 Dec 2026, 14:46": short enough to share a line with the author and channel. */
const formatMoment = (iso: string, language: string) =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

interface SearchPanelProps {
  workspaceId: string;
  query: string;
  members: Map<string, Member> | undefined;
  channelTitle: (channelId: string) => string;
  closeHref: string;
}

/** Search results beside the channel: where, who and when for each hit, its words marked; a click jumps there. */
export function SearchPanel({ workspaceId, query, members, channelTitle, closeHref }: SearchPanelProps) {
  const { t, i18n } = useTranslation();
  const results = useSearch(workspaceId, query);
  const hits = results.data?.pages.flatMap((page) => page.items) ?? [];
  const terms = searchTerms(query);
  return (
    <aside className="thread-panel search-panel" aria-labelledby="search-title">
      <header className="panel-header">
        <h2 id="search-title">{t('search.title')}</h2>
        <Link to={closeHref} className="icon-button" aria-label={t('search.close')}>
          <X />
        </Link>
      </header>
      <p className="muted search-summary" role="status">
        {results.isPending
          ? t('search.searching')
          : t('search.count', { count: hits.length, more: results.hasNextPage ? '+' : '', query })}
      </p>
      <ErrorNote error={results.error} />
      <ol className="search-results">
        {hits.map((hit) => (
          <li key={hit.id}>
            <Link className="search-hit" to={messagePath(hit)}>
              <span className="search-hit-meta">
                <span className="author">
                  {members?.get(hit.userId)?.displayName ?? t('messages.unknownUser')}
                </span>
                <span className="muted">{channelTitle(hit.channelId)}</span>
                <time className="muted" dateTime={hit.createdAt}>
                  {formatMoment(hit.createdAt, i18n.language)}
                </time>
              </span>
              <span className="search-hit-text">
                <Highlighted text={hit.text} terms={terms} />
              </span>
            </Link>
          </li>
        ))}
      </ol>
      {results.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={results.isFetchingNextPage}
          onClick={() => void results.fetchNextPage()}
        >
          {t('search.more')}
        </button>
      )}
    </aside>
  );
}
