import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useMemo } from 'react';
import { describeProblem, type Problem } from '../api/errors';

/** What a paged list on screen needs from its infinite query. */
export interface ListView<T> {
  items: T[];
  /** A page is being fetched (the first, the next, or all again). */
  loading: boolean;
  /** More pages exist on the server. */
  hasMore: boolean;
  /** Why the first or the next page could not be fetched; a failed background refresh keeps what is shown. */
  problem: Problem | null;
  loadMore(): void;
  retry(): void;
}

/**
 * The items of every fetched page, in order; an item a later page repeats (the list moved
 * while scrolling) is shown once.
 */
export function useListView<TPage, T extends { id: string }>(query: UseInfiniteQueryResult<InfiniteData<TPage>, unknown>, itemsOf: (page: TPage) => T[]): ListView<T> {
  const pages = query.data?.pages;
  const items = useMemo(() => {
    const seen = new Set<string>();
    return (pages ?? []).flatMap(itemsOf).filter((item) => !seen.has(item.id) && seen.add(item.id));
    // `itemsOf` only picks a field of the page.
  }, [pages]);
  const failed = query.isLoadingError || query.isFetchNextPageError;
  return {
    items,
    loading: query.isFetching,
    hasMore: query.isPending || query.hasNextPage,
    problem: failed ? describeProblem(query.error) : null,
    loadMore: () => {
      if (!query.isFetching && query.hasNextPage) void query.fetchNextPage();
    },
    retry: () => void (query.isFetchNextPageError ? query.fetchNextPage() : query.refetch()),
  };
}

/** tRPC's `nextCursor: null` is the end of the list. */
export const nextCursor = (page: { nextCursor: string | null }) => page.nextCursor ?? undefined;
