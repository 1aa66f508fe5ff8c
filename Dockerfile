# One image for every process of the platform; the compose command picks which one runs
# (`node gateway/src/main.ts`, `node subgraphs/<identity|billing|notifications|usage>/src/main.ts`). Node 24 runs the TypeScript
# sources directly; the only build is the web app's, in its own stage.

FROM node:24-slim AS dependencies
WORKDIR /app
# better-sqlite3 (MikroORM's SQLite driver) normally downloads a prebuilt binary; the compiler is
# here only for when none matches, and stays in this stage.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# Manifests first, so that source changes do not invalidate the installed dependencies.
COPY package.json package-lock.json .npmrc ./
COPY schema/package.json schema/
COPY gateway/package.json gateway/
COPY subgraphs/kit/package.json subgraphs/kit/
COPY subgraphs/identity/package.json subgraphs/identity/
COPY subgraphs/billing/package.json subgraphs/billing/
COPY subgraphs/notifications/package.json subgraphs/notifications/
COPY subgraphs/usage/package.json subgraphs/usage/
COPY client/package.json client/
# Runtime dependencies only: the image's own Node 24 replaces the `node` devDependency. `npm install`
# rather than `npm ci`: the lock file cannot list every platform's optional binaries (see .ci/run).
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim AS web-app
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY schema/package.json schema/
COPY gateway/package.json gateway/
COPY subgraphs/kit/package.json subgraphs/kit/
COPY subgraphs/identity/package.json subgraphs/identity/
COPY subgraphs/billing/package.json subgraphs/billing/
COPY subgraphs/notifications/package.json subgraphs/notifications/
COPY subgraphs/usage/package.json subgraphs/usage/
COPY client/package.json client/
RUN npm install --no-audit --no-fund
COPY client client
RUN npm run build -w client

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
# The application stays owned by root: the node user can read it, not change it.
COPY --from=dependencies /app ./
COPY . .
# The gateway serves the built web app at / (WEB_APP_DIR, default client/dist).
COPY --from=web-app /app/client/dist client/dist
# DATA_DIR (./data) is only written on the embedded default (SQLite, generated secrets).
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 4000 4001 4002 4003 4004
CMD ["node", "gateway/src/main.ts"]
