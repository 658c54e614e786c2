import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { trpc } from '../api/queries';
import { ImageGrid } from '../components/ImageGrid';
import { nextCursor, useListView } from '../feed/list-view';
import { ORIENTATIONS, SORTS, TAG_SOURCES, toggle, type SearchParams, type SearchSort } from '../search/search-params';

export function SearchPage({ params }: { params: SearchParams }) {
  const navigate = useNavigate();
  const sort: SearchSort = params.sort ?? 'relevance';
  const tags = params.tags ?? [];
  const colors = params.colors ?? [];
  const camera = params.camera ?? [];
  const query = useInfiniteQuery(
    trpc.search.images.infiniteQueryOptions(
      { q: params.q, tags, tagSource: params.tagSource ?? 'any', colors, camera, orientation: params.orientation, sort },
      // While a changed search loads, the previous results (and their facets) stay on screen.
      { getNextPageParam: nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const list = useListView(query, (page) => page.hits);
  // How many matched and the facet counts come with every page; the first page's are shown.
  const summary = query.data?.pages[0];
  const change = (patch: Partial<SearchParams>) => void navigate({ from: '/search', to: '/search', search: (previous) => ({ ...previous, ...patch }) });

  const heading = params.q ? `“${params.q}”` : tags.length ? tags.map((tag) => `#${tag}`).join(' ') : camera.length ? camera.join(', ') : 'All photos';
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
          <select value={sort} onChange={(event) => change({ sort: event.target.value === 'relevance' ? undefined : (event.target.value as SearchParams['sort']) })}>
            {SORTS.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="facets">
        <FacetGroup label="Tags" values={mergeSelected(summary?.facets.tags, tags)} selected={tags} format={(value) => `#${value}`} onToggle={(value) => change({ tags: toggle(tags, value) })} />
        <label className="field-inline tag-source">
          <span className="field-label">Tags from</span>
          <select
            value={params.tagSource ?? 'any'}
            onChange={(event) => change({ tagSource: event.target.value === 'owner' || event.target.value === 'machine' ? event.target.value : undefined })}
          >
            {TAG_SOURCES.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <FacetGroup label="Colours" values={mergeSelected(summary?.facets.colors, colors)} selected={colors} swatch onToggle={(value) => change({ colors: toggle(colors, value) })} />
        <FacetGroup label="Camera" values={mergeSelected(summary?.facets.camera, camera)} selected={camera} onToggle={(value) => change({ camera: toggle(camera, value) })} />
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
