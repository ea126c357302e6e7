import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { FormAlert } from './forms';

export interface ComboOption {
  id: string;
  label: string;
  /** A word after the label (a couple, a clinician's name). */
  hint?: string;
  /** Listed but not choosable; the label says why. */
  disabled?: boolean;
  /** The record behind the option, for a form that needs more than its name. */
  item?: unknown;
}

/** What a search returns: the options of the pages fetched so far, and a way to fetch the next page. */
export interface SearchResults {
  options: ComboOption[];
  pending: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  error: unknown;
}

/** Waits for typing to pause before searching, so a name typed quickly is one request. */
export function useDebounced(value: string, delayMs = 200): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

interface Props {
  label: string;
  /** Runs the search for what is typed (a hook: the same function on every render); `enabled` is false while the list is closed. */
  useSearch: (q: string, enabled: boolean) => SearchResults;
  /** The chosen option; null when nothing is. */
  value: ComboOption | null;
  onChange: (option: ComboOption | null) => void;
  /** After a choice the box empties again (adding people to a list) instead of showing the choice. */
  clearOnChoose?: boolean;
  /** Shown in the empty box. */
  placeholder?: string;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  /** Searching starts from this many characters (0: the list opens on focus). */
  minChars?: number;
}

/**
 * A search-as-you-type combobox over a keyset-paginated list (the ARIA
 * combobox pattern with a list popup): type to search the server, arrows to
 * move, Enter to choose, Escape to close. Nothing is cut off at a page size:
 * scrolling to the end of the list, or moving past its last option, fetches
 * the next page.
 */
export function SearchCombobox({ label, useSearch, value, onChange, clearOnChoose, placeholder, hint, error, required, minChars = 0 }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const [text, setText] = useState(clearOnChoose ? '' : (value?.label ?? ''));
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listRef = useRef<HTMLUListElement>(null);
  const typed = useDebounced(text.trim());
  // While the box shows the chosen option, the list offers everything rather than that one name.
  const q = !clearOnChoose && value && text === value.label ? '' : typed;
  const searching = open && q.length >= minChars;
  const results = useSearch(q, searching);
  const options = searching ? results.options : [];

  // A value set from outside (a form reset) shows in the box.
  useEffect(() => {
    if (!clearOnChoose) setText(value?.label ?? '');
  }, [value?.id, value?.label, clearOnChoose]);

  useEffect(() => setActive(-1), [q]);

  const choose = (option: ComboOption) => {
    if (option.disabled) return;
    onChange(option);
    setText(clearOnChoose ? '' : option.label);
    setOpen(false);
    setActive(-1);
  };

  const move = (to: number) => {
    if (options.length === 0) return;
    const next = Math.max(0, Math.min(options.length - 1, to));
    if (to >= options.length && results.hasMore && !results.loadingMore) results.loadMore();
    setActive(next);
    document.getElementById(`${id}-option-${next}`)?.scrollIntoView({ block: 'nearest' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) setOpen(true);
        else move(active + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        move(active - 1);
        break;
      case 'Enter':
        if (open && active >= 0 && options[active]) {
          event.preventDefault();
          choose(options[active]);
        }
        break;
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
        } else if (text) {
          setText('');
          if (value) onChange(null);
        }
        break;
    }
  };

  const onScroll = () => {
    const list = listRef.current;
    if (list && results.hasMore && !results.loadingMore && list.scrollTop + list.clientHeight >= list.scrollHeight - 40) results.loadMore();
  };

  const activeOption = open && active >= 0 ? `${id}-option-${active}` : undefined;
  const status = !searching
    ? ''
    : results.pending
      ? 'Searching…'
      : options.length === 0
        ? 'Nothing matches.'
        : `${options.length}${results.hasMore ? '+' : ''} ${options.length === 1 ? 'match' : 'matches'}`;

  return (
    <div className={`field combobox${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={searching}
        aria-controls={listId}
        aria-activedescendant={activeOption}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-required={required || undefined}
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          if (!clearOnChoose && value && e.target.value.trim() === '') onChange(null);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => {
          setOpen(false);
          // Leaving the box with half a name typed: it shows the choice again.
          if (!clearOnChoose) setText(value?.label ?? '');
        }}
        onKeyDown={onKeyDown}
      />
      <span className="visually-hidden" role="status" aria-live="polite">
        {status}
      </span>
      {/* Choosing with the mouse must not blur the box first (which closes the list). */}
      <div className="combobox__popup" hidden={!searching} onMouseDown={(e) => e.preventDefault()}>
      <ul id={listId} ref={listRef} role="listbox" aria-label={`${label}: matches`} className="combobox__list" onScroll={onScroll}>
        {options.map((option, i) => (
          <li
            key={option.id}
            id={`${id}-option-${i}`}
            role="option"
            aria-selected={i === active}
            aria-disabled={option.disabled || undefined}
            className={`combobox__option${i === active ? ' combobox__option--active' : ''}`}
            onClick={() => choose(option)}
            onMouseMove={() => setActive(i)}
          >
            {option.label}
            {option.hint && <span className="muted"> {option.hint}</span>}
          </li>
        ))}
      </ul>
        {searching && !results.pending && options.length === 0 && <p className="combobox__empty muted">Nothing matches{q ? ` “${q}”` : ''}.</p>}
        {searching && results.hasMore && (
          <button type="button" className="button button--quiet combobox__more" tabIndex={-1} disabled={results.loadingMore} onClick={results.loadMore}>
            {results.loadingMore ? 'Loading…' : 'More matches'}
          </button>
        )}
      </div>
      {searching && results.error ? <FormAlert error={results.error} /> : null}
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

interface InfiniteSearch<T> {
  data?: { pages: Array<{ items: T[] }> };
  isPending: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
  error: unknown;
}

/** A keyset-paginated TanStack query as combobox results. */
export function searchResults<T>(query: InfiniteSearch<T>, toOption: (item: T) => ComboOption): SearchResults {
  return {
    options: query.data?.pages.flatMap((page) => page.items.map(toOption)) ?? [],
    pending: query.isPending,
    hasMore: query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    loadMore: () => void query.fetchNextPage(),
    error: query.error,
  };
}
