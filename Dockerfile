# syntax=docker/dockerfile:1
#
# Steward in one image, for every role: embedded (the default, one process with SQLite in /data),
# or a cluster's `api` and `worker` nodes (STEWARD_ROLE; see docs/cluster.md and docker-compose.yml).
#
#   docker build -t steward .
#   docker run --rm -p 127.0.0.1:8080:8080 --shm-size=1g \
#     --security-opt seccomp=unconfined --security-opt no-new-privileges \
#     -v steward-data:/data -e STEWARD_MODEL=openai:gpt-4o-mini -e OPENAI_API_KEY steward
#
# The first start of an empty data dir prints a first API key (`docker logs`); more with
#   docker exec <container> node --import tsx packages/server/src/main.ts keys create --name NAME
#
# What runs is `steward serve` exactly as `npm start` runs it after its set-up
# (node --import tsx packages/server/src/main.ts serve): the set-up itself (scripts/setup.mjs: npm
# dependencies, the dashboard's build, Chromium, iproute2) is done here, at build time.
#
# Why --shm-size and --security-opt, and what they cost: see "The browser in a container" below.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------
# Build stages: compilers live here only, never in the final image.
# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build-tools
# better-sqlite3 (a native module) installs a prebuilt binary when one can be downloaded for this
# Node and platform, and compiles from source otherwise (node-gyp: python3, make, g++; ~1 minute).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# As scripts/setup.mjs does: node-gyp builds against the headers the node image ships beside Node
# (/usr/local/include/node) instead of downloading them.
ENV npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false
WORKDIR /app
# The manifests alone, so the dependency layers below are rebuilt only when they change. Every
# workspace of the root package.json is listed: `npm ci` needs each one's package.json.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/client/package.json packages/client/
COPY packages/cli/package.json packages/cli/
# The bin a workspace declares must exist when npm links it (bin-links chmods it).
COPY packages/cli/bin packages/cli/bin
COPY packages/dashboard/package.json packages/dashboard/
COPY packages/server/package.json packages/server/

# What the server runs on: dependencies without devDependencies (tsx, which runs the TypeScript
# sources, is a dependency). Fails the build when the SQLite binding does not load, the check
# scripts/setup.mjs makes before `npm start`.
FROM build-tools AS prod-deps
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund \
 && cd packages/server && node -e "new (require('better-sqlite3'))(':memory:').close()"

# The web dashboard, built by Vite (a devDependency) into packages/dashboard/dist, as
# scripts/build-dashboard.mjs does for `npm start`. No install scripts are needed for it (Vite's
# native parts are prebuilt optional packages), so better-sqlite3 is not built a second time.
FROM build-tools AS dashboard
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build-dashboard.mjs scripts/
COPY packages/protocol/src packages/protocol/src
COPY packages/client/src packages/client/src
COPY packages/dashboard packages/dashboard
RUN node scripts/build-dashboard.mjs --force && test -f packages/dashboard/dist/index.html

# ---------------------------------------------------------------------------------------------------
# The image.
# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# chromium: Debian's package, as STEWARD_CHROMIUM_PATH expects (/usr/bin/chromium).
# iproute2: `ip`, which raises loopback in the browser's network namespace (util-linux, in every
#   Debian image, brings `unshare` and `nsenter`).
# fonts: Chromium's Recommends are skipped, fonts among them; without any font pages and
#   screenshots render without text. Liberation (metric-compatible with Arial, Times, Courier),
#   DejaVu for wide Unicode coverage, Noto for emoji.
# ca-certificates: the system's CA bundle (/etc/ssl/certs), for a private CA that rediss:// or a
#   TLS PostgreSQL connection must trust: add it there and point NODE_EXTRA_CA_CERTS at it.
# tini: PID 1 that reaps what Chromium and the namespace holder leave behind and hands SIGTERM to
#   the server, whose own shutdown ends running tasks in order.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      chromium iproute2 tini ca-certificates \
      fonts-liberation fonts-dejavu-core fonts-noto-color-emoji \
 && rm -rf /var/lib/apt/lists/*

# An ordinary user: Chromium keeps its own sandbox (Steward passes --no-sandbox only as root), and
# the server can write nothing but its data dir, its home and /tmp. The home holds Chromium's and fontconfig's
# caches.
RUN groupadd --system --gid 10001 steward \
 && useradd --system --uid 10001 --gid steward --create-home --home-dir /home/steward --shell /usr/sbin/nologin steward \
 && mkdir -p /data && chown steward:steward /data && chmod 0700 /data

WORKDIR /app
# The code stays root's (read-only to the server). node_modules, including a workspace's own
# (packages/cli/node_modules), and the manifests come from prod-deps; the sources from the build
# context (.dockerignore leaves out tests, builds, data); the dashboard's build from its stage.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/packages ./packages
COPY package.json package-lock.json tsconfig.json ./
COPY packages ./packages
COPY --from=dashboard /app/packages/dashboard/dist ./packages/dashboard/dist

# The browser in a container
# --------------------------
# * /dev/shm: Chromium keeps renderer memory there; Docker's default 64 MB makes tabs crash.
#   Give worker (and embedded) containers --shm-size=1g (compose: shm_size).
# * User namespaces: as this non-root user, Chromium's sandbox needs unprivileged user namespaces,
#   and so does the browser's network namespace (STEWARD_BROWSER_NETWORK_NAMESPACE=on, the
#   default): `unshare --user --net` then `nsenter`. Docker's default seccomp profile allows
#   unshare, setns and clone with namespace flags only to containers with CAP_SYS_ADMIN, so both
#   fail there. The compose file runs workers with `security_opt: seccomp=unconfined` (and
#   no-new-privileges), which adds no capability: the user namespace the kernel then allows is the
#   same one Chromium and Steward use on a plain Debian host. A custom seccomp profile (Docker's
#   default with clone, clone3, unshare and setns allowed) is the narrower equivalent;
#   `cap_add: SYS_ADMIN` also works but hands the container a capability, and is not needed.
# * The network namespace is kept on: it is what stops a page's WebRTC/STUN/TURN over UDP, QUIC
#   or DNS from reaching the network around the egress firewall (decision 0009); in a cluster that
#   network holds PostgreSQL, Redis and the other nodes. Setting it off would need no seccomp
#   change for the namespace itself, but Chromium's sandbox would still need user namespaces, so
#   it buys nothing here and gives up the containment: keep it on.
# * Do not mount /tmp as a Docker tmpfs: those are noexec by default, and the browser's launcher
#   (a small script Steward writes to the temporary dir) must run from there.
ENV STEWARD_HOST=0.0.0.0 \
    STEWARD_PORT=8080 \
    STEWARD_DATA_DIR=/data \
    STEWARD_CHROMIUM_PATH=/usr/bin/chromium \
    STEWARD_BROWSER_NETWORK_NAMESPACE=on

# The data dir: SQLite (embedded), the key file when STEWARD_SECRET_KEY is unset, session files
# and replay pictures (embedded, or a worker's). Created 0700 above, owned by uid 10001 (a bind
# mount must be too); Steward keeps it 0700 with 0600 files.
VOLUME ["/data"]

USER 10001:10001
EXPOSE 8080

# 200 while the node's store answers, 503 otherwise (GET /healthz needs no key, on every role).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.STEWARD_PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# `steward serve`, without the set-up `npm start` performs (done above): the same invocation as the
# `start` script and bench/ (node --import tsx packages/server/src/main.ts serve).
CMD ["node", "--import", "tsx", "packages/server/src/main.ts", "serve"]
