import type { ImageCard } from '@glimpse/images';
import type { SearchOutputs } from '@glimpse/search';
import { useSyncExternalStore } from 'react';
import { search } from '../api/trpc';
import { ImageGrid } from '../components/ImageGrid';
import { usePagedList } from '../feed/paged-list';
import { navigate, useLocation } from '../router/router';
import { ORIENTATIONS, readSearchParams, searchHref, SORTS, toggle, type SearchParams, type SearchSort } from '../search/search-params';

type Summary = Pick<SearchOutputs['images'], 'found' | 'facets'>;

/** How many matched and the facet counts of each search, beside its (cached) list of hits. */
const summaries = new Map<string, Summary>();
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function SearchPage() {
  const { searchParams } = useLocation();
  const params = readSearchParams(searchParams);
  const key = searchHref(params);
  const list = usePagedList<ImageCard>(`search:${key}`, async (cursor) => {
    const page = await search.images.query({ ...params, q: params.q || undefined, cursor });
    summaries.set(key, { found: page.found, facets: page.facets });
    listeners.forEach((listener) => listener());
    return { items: page.hits, nextCursor: page.nextCursor };
  });
  const summary = useSyncExternalStore(subscribe, () => summaries.get(key));
  const change = (patch: Partial<SearchParams>) => navigate(searchHref({ ...params, ...patch }));

  const heading = params.q ? `“${params.q}”` : params.tags.length ? params.tags.map((tag) => `#${tag}`).join(' ') : 'All photos';
  return (
    <section className="page search-page">
      <div className="page-heading">
        <div>
          <h1>{heading}</h1>
          <p className="search-found" role="status">
            {summary ? `${summary.found} ${summary.found === 1 ? 'result' : 'results'}` : ''}
          </p>
        </div>
        <label className="field-inline search-sort">
          <span className="field-label">Sort</span>
          <select value={params.sort} onChange={(event) => change({ sort: event.target.value as SearchSort })}>
            {SORTS.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="facets">
        <FacetGroup
          label="Tags"
          values={mergeSelected(summary?.facets.tags, params.tags)}
          selected={params.tags}
          format={(value) => `#${value}`}
          onToggle={(value) => change({ tags: toggle(params.tags, value) })}
        />
        <FacetGroup
          label="Colours"
          values={mergeSelected(summary?.facets.colors, params.colors)}
          selected={params.colors}
          swatch
          onToggle={(value) => change({ colors: toggle(params.colors, value) })}
        />
        <FacetGroup
          label="Orientation"
          values={mergeSelected(
            summary?.facets.orientation.filter((facet) => ORIENTATIONS.some((value) => value === facet.value)),
            params.orientation ? [params.orientation] : [],
          )}
          selected={params.orientation ? [params.orientation] : []}
          onToggle={(value) => change({ orientation: params.orientation === value ? undefined : ORIENTATIONS.find((o) => o === value) })}
        />
      </div>
      <ImageGrid list={list} empty="No photos match this search." />
    </section>
  );
}

type FacetValue = { value: string; count: number };

/** Selected filters stay visible (so they can be removed) even when the engine lists no count for them. */
function mergeSelected(values: FacetValue[] | undefined, selected: string[]): FacetValue[] {
  const all = values ?? [];
  const missing = selected.filter((value) => !all.some((facet) => facet.value === value)).map((value) => ({ value, count: 0 }));
  return [...all.filter((facet) => facet.count > 0 || selected.includes(facet.value)), ...missing];
}

interface FacetGroupProps {
  label: string;
  values: FacetValue[];
  selected: string[];
  swatch?: boolean;
  format?: (value: string) => string;
  onToggle: (value: string) => void;
}

function FacetGroup({ label, values, selected, swatch, format = (value) => value, onToggle }: FacetGroupProps) {
  if (values.length === 0) return null;
  return (
    <div className="facet-group" role="group" aria-label={label}>
      <span className="facet-label">{label}</span>
      {values.map((facet) => (
        <button key={facet.value} type="button" className="chip" aria-pressed={selected.includes(facet.value)} onClick={() => onToggle(facet.value)}>
          {swatch && <span className="chip-swatch" style={{ background: facet.value }} aria-hidden="true" />}
          {format(facet.value)} <span className="chip-count">{facet.count}</span>
        </button>
      ))}
    </div>
  );
}
