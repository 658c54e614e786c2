import type { SearchOutputs } from '@glimpse/search';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useRouterState, type NavigateOptions } from '@tanstack/react-router';
import { useEffect, useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { trpc } from '../api/queries';

/** Wait this long after the last keystroke before asking for completions. */
const SUGGEST_DELAY_MS = 150;

type Suggestions = SearchOutputs['suggest'];
interface Option {
  id: string;
  label: string;
  count: number;
  to: NavigateOptions;
}

const toOptions = (suggestions: Suggestions | undefined): Option[] => [
  ...(suggestions?.tags ?? []).map(({ tag, count }): Option => ({ id: `tag-${tag}`, label: `#${tag}`, count, to: { to: '/search', search: { tags: [tag] } } })),
  ...(suggestions?.users ?? []).map(({ username, count }): Option => ({ id: `user-${username}`, label: `@${username}`, count, to: { to: '/u/$username', params: { username } } })),
];

/** `value`, once it has stopped changing for `delayMs`. */
function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * The header's search box: a combobox whose listbox offers tags and users as you type
 * (arrow keys move, Enter picks, Escape closes); submitting searches the words.
 */
export function SearchBox() {
  const id = useId();
  const navigate = useNavigate();
  const urlQuery = useRouterState({ select: (state) => (state.location.pathname === '/search' ? (state.location.search.q ?? '') : '') });
  const [text, setText] = useState(urlQuery);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // Show the words of the search being looked at (and clear them elsewhere).
  useEffect(() => setText(urlQuery), [urlQuery]);

  const prefix = text.trim();
  const asked = useSettled(prefix, SUGGEST_DELAY_MS);
  const suggestions = useQuery({
    ...trpc.search.suggest.queryOptions({ prefix: asked }),
    enabled: asked !== '',
    placeholderData: keepPreviousData,
    retry: false,
  });
  const options = useMemo(() => (prefix && !suggestions.isError ? toOptions(suggestions.data) : []), [prefix, suggestions.data, suggestions.isError]);
  // New completions: nothing is picked yet.
  useEffect(() => setActive(-1), [suggestions.data]);

  const expanded = open && prefix !== '' && options.length > 0;
  /** Picking a tag or user leaves the box empty; searching words keeps them. */
  const go = (to: NavigateOptions, words = '') => {
    setText(words);
    setOpen(false);
    setActive(-1);
    void navigate(to);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const picked = expanded ? options[active] : undefined;
    if (picked) return go(picked.to);
    if (prefix) go({ to: '/search', search: { q: prefix } }, prefix);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!expanded) return setOpen(true);
      const last = options.length - 1;
      setActive((current) => (event.key === 'ArrowDown' ? (current >= last ? 0 : current + 1) : current <= 0 ? last : current - 1));
    } else if (event.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <form className="header-search" role="search" onSubmit={onSubmit}>
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Search photos
      </label>
      <input
        id={`${id}-input`}
        type="search"
        className="search-input"
        placeholder="Search photos, #tags, @people"
        autoComplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-listbox`}
        aria-activedescendant={expanded && active >= 0 && active < options.length ? `${id}-${options[active]!.id}` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      />
      <ul id={`${id}-listbox`} role="listbox" aria-label="Suggestions" className="search-suggestions" hidden={!expanded}>
        {options.map((option, index) => (
          <li
            key={option.id}
            id={`${id}-${option.id}`}
            role="option"
            aria-selected={index === active}
            aria-label={`${option.label}, ${option.count} ${option.count === 1 ? 'photo' : 'photos'}`}
            className="search-suggestion"
            // Keep the focus in the input; pick on mousedown before blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              go(option.to);
            }}
          >
            <span>{option.label}</span>
            <span className="search-suggestion-count">{option.count}</span>
          </li>
        ))}
      </ul>
    </form>
  );
}
