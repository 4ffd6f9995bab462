// The layering of docs/architecture.md, checked by `npm run lint`. Paths are relative to the
// repository root; `src` means packages/server/src.
const src = '^packages/server/src/';
const layer = (name) => `${src}${name}/`;

/** A folder may import only the folders listed (plus itself, node built-ins and protocol). */
function only(name, allowed) {
  return {
    name: `${name}-imports`,
    comment: `${name}/ may import only ${allowed.join(', ') || 'nothing else'} (docs/architecture.md)`,
    severity: 'error',
    from: { path: layer(name) },
    to: {
      path: `${src}`,
      pathNot: [layer(name), ...allowed.map(layer)],
    },
  };
}

/** A vendor package imported only by its one folder. */
function vendor(pkg, folder) {
  return {
    name: `only-${folder.replace(/\W+/g, '-')}-imports-${pkg.replace(/\W+/g, '-')}`,
    severity: 'error',
    from: { path: '^packages/', pathNot: `${src}${folder}` },
    to: { path: `node_modules/${pkg}/` },
  };
}

module.exports = {
  forbidden: [
    only('util', []),
    only('errors', ['util']),
    // Plain records every layer may name; they import nothing of the server.
    only('domain', []),
    only('config', ['util', 'errors']),
    only('store', ['util', 'errors', 'domain']),
    only('bus', ['util', 'errors']),
    only('counters', ['util']),
    only('safety', ['util', 'errors']),
    only('llm', ['util', 'errors']),
    only('files', ['util']),
    only('demo', []),
    only('replay', ['util']),
    only('metrics', []),
    only('redis', ['counters', 'bus']),
    only('browser', ['util', 'errors', 'safety']),
    only('agent', ['util', 'errors', 'domain', 'safety', 'llm', 'browser']),
    only('sessions', ['util', 'errors', 'domain', 'safety', 'agent', 'llm', 'browser', 'store', 'bus', 'files', 'replay']),
    // What runs sessions (the session service, tasks, runtimes, a cluster worker's commands and
    // membership); the routes and an API node never import it, they get `Sessions`.
    only('worker', ['util', 'errors', 'domain', 'safety', 'agent', 'llm', 'browser', 'store', 'bus', 'files', 'replay', 'sessions', 'cluster']),
    only('api', ['util', 'errors', 'domain', 'sessions', 'bus', 'counters']),
    // Cluster mode's API side and the wire between the roles; the routes never see it (they get `Sessions`).
    only('cluster', ['util', 'errors', 'domain', 'sessions', 'store', 'bus', 'files', 'replay', 'browser']),
    {
      name: 'protocol-has-no-server-imports',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: '^packages/server/' },
    },
    {
      name: 'client-imports-only-protocol-and-its-deps',
      comment: 'the SDK runs in browsers and edge runtimes: @steward/protocol, eventsource-parser and itself only, no node: built-ins (decision 0011)',
      severity: 'error',
      from: { path: '^packages/client/src/' },
      to: { pathNot: ['^packages/client/src/', '^packages/protocol/src/', 'node_modules/eventsource-parser/'] },
    },
    {
      name: 'cli-imports-only-client-protocol-and-its-deps',
      comment: 'the steward command is a client of the API: @steward/client, protocol, node: built-ins and its terminal libraries, never the server (decision 0012); bin/steward.mjs, the launcher that hands serve and keys to the server, is outside src/ on purpose',
      severity: 'error',
      from: { path: '^packages/cli/src/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^packages/cli/src/', '^packages/client/src/', '^packages/protocol/src/', 'node_modules/(commander|chalk|ora)/'],
      },
    },
    {
      name: 'dashboard-imports-only-client-protocol-and-preact',
      comment: 'the web dashboard talks to the server only through @steward/client (decision 0017); no Node built-in, since it runs in a browser',
      severity: 'error',
      from: { path: '^packages/dashboard/src/' },
      to: { pathNot: ['^packages/dashboard/src/', '^packages/client/src/', '^packages/protocol/src/', 'node_modules/(preact|eventsource-parser)/'] },
    },
    {
      name: 'nothing-imports-the-dashboard',
      comment: 'the dashboard is built into static files the server serves from a folder; no package imports its code',
      severity: 'error',
      from: { path: '^packages/(server|client|protocol|cli)/' },
      to: { path: '^packages/dashboard/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'the server, the SDK and the protocol never import the CLI (decision 0012)',
      severity: 'error',
      from: { path: '^packages/(server|client|protocol)/' },
      to: { path: '^packages/cli/' },
    },
    {
      name: 'server-has-no-client-imports',
      severity: 'error',
      from: { path: '^packages/server/' },
      to: { path: '^packages/client/' },
    },
    vendor('playwright-core', 'browser/playwright/'),
    vendor('socks', 'browser/egress-proxy/'),
    // The DevTools connection to a client's own browser: one file pins it to the checked address.
    vendor('ws', 'browser/playwright/cdp-transport\\.ts$'),
    // The linear-time regex engine: one adapter, so every client or model pattern runs through its bounds.
    vendor('re2js', 'safety/linear-pattern\\.ts$'),
    // The public suffix list: one file decides what a site is.
    vendor('tldts', 'safety/task-scope\\.ts$'),
    // Reads a desktop screenshot's type and size: one file checks what clients send.
    vendor('image-size', 'worker/screen-image\\.ts$'),
    vendor('kysely', 'store/'),
    vendor('better-sqlite3', 'store/'),
    vendor('pg', 'store/'),
    vendor('ai', 'llm/'),
    vendor('@ai-sdk', 'llm/'),
    vendor('fastify', '(api/|app.ts|compose)'),
    vendor('pino', 'compose'),
    vendor('@fastify/rate-limit', 'api/'),
    vendor('prom-client', 'metrics/prometheus-metrics\\.ts$'),
    vendor('ioredis', 'redis/'),
    vendor('@fastify/static', 'api/dashboard-routes\\.ts$'),
    vendor('standardwebhooks', 'sessions/webhooks/'),
    { name: 'no-circular', severity: 'error', from: { path: '^packages/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^packages/[^/]+/(test|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
