# One image per service, chosen at build time: docker build --build-arg SERVICE=product .
# Stages: deps (all packages) → build (nest build <service>) → prod-deps (runtime packages only,
# without the embedded PostgreSQL binaries) → runtime (slim, non-root).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<service>" >&2 && exit 1)
COPY nest-cli.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY services/${SERVICE} ./services/${SERVICE}
RUN npx nest build "$SERVICE"

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production HOST=0.0.0.0 SERVICE=${SERVICE}
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/services/${SERVICE} ./dist/services/${SERVICE}
COPY package.json ./
USER node
# Migrations are applied by the service at start; seed: `docker compose run --rm <svc> seed`.
ENTRYPOINT ["/bin/sh", "-c", "exec node --enable-source-maps \"dist/services/$SERVICE/services/$SERVICE/src/${1:-main}.js\"", "--"]
CMD ["main"]
