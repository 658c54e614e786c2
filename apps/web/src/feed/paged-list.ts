import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { describeProblem, type Problem } from '../api/errors';
import { lastNavigation } from '../router/router';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type FetchPage<T> = (cursor: string | undefined) => Promise<Page<T>>;

export interface PagedListState<T> {
  items: T[];
  loading: boolean;
  /** More pages exist on the server. */
  hasMore: boolean;
  problem: Problem | null;
}

/**
 * A cursor-paged list kept in memory by key, so coming back to a feed (back button) shows
 * the same items at once and the scroll position can be restored.
 */
class PagedList<T extends { id: string }> {
  state: PagedListState<T> = { items: [], loading: false, hasMore: true, problem: null };
  private cursor: string | undefined;
  private readonly listeners = new Set<() => void>();
  private generation = 0;

  constructor(private readonly fetchPage: FetchPage<T>) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<PagedListState<T>>) {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((listener) => listener());
  }

  async loadMore() {
    if (this.state.loading || !this.state.hasMore) return;
    const generation = this.generation;
    this.set({ loading: true, problem: null });
    try {
      const page = await this.fetchPage(this.cursor);
      if (generation !== this.generation) return;
      this.cursor = page.nextCursor ?? undefined;
      const known = new Set(this.state.items.map((item) => item.id));
      const fresh = page.items.filter((item) => !known.has(item.id));
      this.set({ items: [...this.state.items, ...fresh], hasMore: page.nextCursor !== null, loading: false });
    } catch (error) {
      if (generation === this.generation) this.set({ loading: false, problem: describeProblem(error) });
    }
  }

  /** Shown from memory: check the first page, and start over if something new arrived. */
  async revalidate() {
    if (this.state.items.length === 0) return this.loadMore();
    const generation = this.generation;
    try {
      const page = await this.fetchPage(undefined);
      if (generation !== this.generation) return;
      const unchanged = page.items.every((item, index) => this.state.items[index]?.id === item.id);
      if (unchanged) return;
      this.generation += 1;
      this.cursor = page.nextCursor ?? undefined;
      this.set({ items: page.items, hasMore: page.nextCursor !== null, loading: false, problem: null });
    } catch {
      // Keep showing what we have; the next scroll reports the problem if it persists.
    }
  }

  update(id: string, change: (item: T) => T) {
    this.set({ items: this.state.items.map((item) => (item.id === id ? change(item) : item)) });
  }

  remove(id: string) {
    this.set({ items: this.state.items.filter((item) => item.id !== id) });
  }
}

const MAX_CACHED_LISTS = 12;
const lists = new Map<string, PagedList<{ id: string }>>();

function listFor<T extends { id: string }>(key: string, fetchPage: FetchPage<T>): PagedList<T> {
  let list = lists.get(key) as PagedList<T> | undefined;
  if (!list) {
    list = new PagedList(fetchPage);
    lists.set(key, list as unknown as PagedList<{ id: string }>);
    if (lists.size > MAX_CACHED_LISTS) lists.delete(lists.keys().next().value!);
  }
  return list;
}

/** Forget every cached list (on sign-in and sign-out: what a viewer may see changes). */
export function forgetPagedLists() {
  lists.clear();
}

export interface PagedListHandle<T> extends PagedListState<T> {
  loadMore(): void;
  update(id: string, change: (item: T) => T): void;
  remove(id: string): void;
}

/** The list for `key`: loads page one on first use, later pages when `loadMore` is called. */
export function usePagedList<T extends { id: string }>(key: string, fetchPage: FetchPage<T>): PagedListHandle<T> {
  // The fetcher of the first render for a key is the one used: keys must name everything it depends on.
  const current = useMemo(() => listFor(key, fetchPage), [key]);
  const state = useSyncExternalStore(current.subscribe, () => current.state);
  useEffect(() => {
    // Back/forward shows the list exactly as it was, so the scroll position can be restored.
    if (lastNavigation === 'pop' && current.state.items.length > 0) return;
    void current.revalidate();
  }, [current]);

  return {
    ...state,
    loadMore: () => void current.loadMore(),
    update: (id, change) => current.update(id, change),
    remove: (id) => current.remove(id),
  };
}
