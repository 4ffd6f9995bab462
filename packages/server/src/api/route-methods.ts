/**
 * Which methods each registered path answers, so that a known path asked with another method
 * gets 405 and `Allow` instead of the 404 Fastify gives it. Patterns are matched against the raw
 * path the way the router does: a `:param` is one segment, a trailing slash is ignored.
 */
export class RouteMethods {
  private readonly routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];

  add(method: string | string[], url: string): void {
    const source = `^${trimSlash(url)
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`;
    let route = this.routes.find((r) => r.pattern.source === source);
    if (route === undefined) {
      route = { pattern: new RegExp(source), methods: new Set() };
      this.routes.push(route);
    }
    for (const m of Array.isArray(method) ? method : [method]) route.methods.add(m.toUpperCase());
  }

  /** The methods registered for a path (without its query), sorted; empty when no route matches. */
  allowedFor(path: string): string[] {
    const trimmed = trimSlash(path);
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(trimmed)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
