import { useEffect, useState } from 'preact/hooks';

/** The dashboard's pages; the server answers index.html for each of these paths. */
export type Route =
  | { page: 'list' }
  | { page: 'session'; sessionId: string; token?: string }
  | { page: 'replay'; sessionId: string }
  | { page: 'not-found'; path: string };

const NAVIGATED = 'steward:navigated';

export function routeOf(location: { pathname: string; search: string }): Route {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'list' };
  const session = /^\/sessions\/([^/]+)(\/replay)?$/.exec(path);
  if (session) {
    const sessionId = decodeURIComponent(session[1] as string);
    if (session[2]) return { page: 'replay', sessionId };
    const token = new URLSearchParams(location.search).get('token');
    return token ? { page: 'session', sessionId, token } : { page: 'session', sessionId };
  }
  return { page: 'not-found', path };
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new Event(NAVIGATED));
}

export function sessionPath(sessionId: string, rest = ''): string {
  return `/sessions/${encodeURIComponent(sessionId)}${rest}`;
}

/** The current route, following links, back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location));
  useEffect(() => {
    const update = (): void => setRoute(routeOf(location));
    addEventListener('popstate', update);
    addEventListener(NAVIGATED, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** An anchor that changes the page without reloading it (and opens in a new tab as usual). */
export function onLinkClick(event: MouseEvent, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
