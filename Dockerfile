# One image for every process of the platform; the compose command picks which one runs
# (`node gateway/src/main.ts`, `node subgraphs/identity/src/main.ts`). Node 24 runs the TypeScript
# sources directly, so there is no build step.

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
# Runtime dependencies only: the image's own Node 24 replaces the `node` devDependency. `npm install`
# rather than `npm ci`: the lock file cannot list every platform's optional binaries (see .ci/run).
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
# The application stays owned by root: the node user can read it, not change it.
COPY --from=dependencies /app ./
COPY . .
# DATA_DIR (./data) is only written on the embedded default (SQLite, generated secrets).
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 4000 4001
CMD ["node", "gateway/src/main.ts"]
