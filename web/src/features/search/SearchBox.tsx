import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

/** The URL parameter that holds the search shown in the side panel. */
export const SEARCH_PARAM = 'q';

/** The search field of the header: Enter searches the workspace, the results open beside the channel. */
export function SearchBox() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get(SEARCH_PARAM) ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) setParams({ [SEARCH_PARAM]: text.trim() });
  };
  return (
    <form className="search-box" role="search" onSubmit={submit}>
      <input
        type="search"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={text}
        maxLength={500}
        onChange={(event) => setText(event.target.value)}
      />
    </form>
  );
}
