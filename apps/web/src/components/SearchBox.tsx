import type { SearchOutputs } from '@glimpse/search';
import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { search } from '../api/trpc';
import { navigate, useLocation } from '../router/router';
import { readSearchParams, searchHref } from '../search/search-params';

/** Wait this long after the last keystroke before asking for completions. */
const SUGGEST_DELAY_MS = 150;

type Suggestions = SearchOutputs['suggest'];
interface Option {
  id: string;
  label: string;
  count: number;
  href: string;
}

const toOptions = (suggestions: Suggestions): Option[] => [
  ...suggestions.tags.map(({ tag, count }) => ({ id: `tag-${tag}`, label: `#${tag}`, count, href: searchHref({ tags: [tag] }) })),
  ...suggestions.users.map(({ username, count }) => ({ id: `user-${username}`, label: `@${username}`, count, href: `/u/${username}` })),
];

/**
 * The header's search box: a combobox whose listbox offers tags and users as you type
 * (arrow keys move, Enter picks, Escape closes); submitting searches the words.
 */
export function SearchBox() {
  const id = useId();
  const { pathname, searchParams } = useLocation();
  const urlQuery = pathname === '/search' ? readSearchParams(searchParams).q : '';
  const [text, setText] = useState(urlQuery);
  const [options, setOptions] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // Show the words of the search being looked at (and clear them elsewhere).
  useEffect(() => setText(urlQuery), [urlQuery]);

  const prefix = text.trim();
  useEffect(() => {
    if (!prefix) return setOptions([]);
    let live = true;
    const timer = setTimeout(() => {
      search.suggest.query({ prefix }).then(
        (suggestions) => {
          if (!live) return;
          setOptions(toOptions(suggestions));
          setActive(-1);
        },
        () => live && setOptions([]),
      );
    }, SUGGEST_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [prefix]);

  const expanded = open && prefix !== '' && options.length > 0;
  /** Picking a tag or user leaves the box empty; searching words keeps them. */
  const go = (href: string, words = '') => {
    setText(words);
    setOpen(false);
    setActive(-1);
    navigate(href);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const picked = expanded ? options[active] : undefined;
    if (picked) return go(picked.href);
    if (prefix) go(searchHref({ q: prefix }), prefix);
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
              go(option.href);
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
