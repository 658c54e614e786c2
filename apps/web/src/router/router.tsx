import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export { matchPath, safeNextPath } from './paths';

/**
 * A small history-API router: the app has a handful of flat routes, so a dependency would
 * be more code to learn than this. The server answers every page URL with index.html.
 */

type Listener = () => void;
const listeners = new Set<Listener>();
const notify = () => listeners.forEach((listener) => listener());

interface HistoryState {
  scrollY?: number;
}

if ('scrollRestoration' in history) history.scrollRestoration = 'manual';

/** How the current page was reached: `pop` is the back/forward buttons, which should show the page as it was. */
export let lastNavigation: 'push' | 'pop' = 'push';

window.addEventListener('popstate', (event) => {
  lastNavigation = 'pop';
  notify();
  const scrollY = (event.state as HistoryState | null)?.scrollY ?? 0;
  // Wait for the page to render (lists come from memory on the way back) before restoring.
  requestAnimationFrame(() => requestAnimationFrame(() => window.scrollTo(0, scrollY)));
});

function subscribe(listener: Listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const currentHref = () => location.pathname + location.search;

/** The current path and query string, e.g. `/u/ada?tab=likes`. Re-renders on navigation. */
export function useLocation(): URL {
  const href = useSyncExternalStore(subscribe, currentHref);
  return new URL(href, location.origin);
}

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (to === currentHref()) return;
  // Remember where this page was scrolled, for the back button.
  history.replaceState({ ...(history.state as HistoryState | null), scrollY: window.scrollY } satisfies HistoryState, '');
  lastNavigation = 'push';
  if (options.replace) history.replaceState({}, '', to);
  else history.pushState({}, '', to);
  notify();
  window.scrollTo(0, 0);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An ordinary link (middle-click, copy address and open-in-new-tab all work) that navigates in place. */
export function Link({ to, onClick, ...props }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0;
    if (event.defaultPrevented || modified || props.target) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...props} />;
}

/** The current URL with the sign-in page's `next` parameter pointing back at it. */
export const signInHref = (next = currentHref()) => (next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`);
