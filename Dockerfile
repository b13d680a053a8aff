# One image per service, chosen at build time:
#   docker build --build-arg SERVICE=product -t nest-commerce/product .
# (docker-compose.yml builds all seven this way; deploy/k8s uses the same images, gateway too.)
#
# Stages: deps (every package, for the compiler) → build (`node scripts/build.mjs <service>`: swc,
# the layout `nest build` gave; type checking is `npm run lint`'s, in CI) → prod-deps
# (runtime packages only) → runtime (node on Alpine, non-root, the service's dist/ and
# node_modules, nothing else). deps and prod-deps do not depend on SERVICE, so the seven builds
# share their cached layers.
#
# The runtime needs no native addon: scrypt comes from node:crypto, pg runs without pg-native,
# and the only optional packages in the lock are the embedded PostgreSQL binaries (`npm start`
# and the tests use them, never a service) and pg-cloudflare (Cloudflare Workers only); so
# `--omit=optional` drops nothing a service loads, and the packages are the same on musl.
ARG NODE_IMAGE=node:24-alpine

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<service>" >&2 && exit 1)
COPY nest-cli.json tsconfig.base.json tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY scripts/lib/require-node.mjs scripts/lib/services.mjs scripts/lib/swc-compile.mjs ./scripts/lib/
COPY libs ./libs
COPY services/${SERVICE} ./services/${SERVICE}
RUN node scripts/build.mjs "$SERVICE" \
  && test -f "dist/services/$SERVICE/services/$SERVICE/src/main.js"

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production HOST=0.0.0.0 SERVICE=${SERVICE}
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/services/${SERVICE} ./dist/services/${SERVICE}
COPY package.json ./
# source maps for the service's own code only, not node_modules' (scripts/lib/source-maps.cjs)
COPY scripts/lib/source-maps.cjs ./scripts/lib/
USER node
# The command names an entry point of the service: `main` (default: the HTTP service, which
# applies its migrations at start), `migrate`, `seed` (product: demo catalog; user: the initial
# admin), `rotate-signing-key` (user). Anything else runs as a command (`sh`, `node -v`).
# The gateway (--build-arg SERVICE=gateway) has `main` only: no database, so no `migrate`.
#   docker compose run --rm product seed
ENTRYPOINT ["/bin/sh", "-c", "entry=\"dist/services/$SERVICE/services/$SERVICE/src/${1:-main}.js\"; if [ -f \"$entry\" ]; then exec node --require /app/scripts/lib/source-maps.cjs \"$entry\"; fi; exec \"$@\"", "--"]
CMD ["main"]
