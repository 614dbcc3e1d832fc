# One image for every service of the stack: the six subgraphs, the gateway and the one-shot
# migrate job. The services run compiled (`pnpm build`: each package's dist/, which its
# "exports" point to); the migrate job runs the db CLI from its TypeScript sources with tsx.
FROM node:20-slim

RUN npm i -g pnpm@12.21.0

WORKDIR /app

# The manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY db/package.json db/
COPY gateway/package.json gateway/
COPY packages/service-kit/package.json packages/service-kit/
COPY subgraphs/identity/package.json subgraphs/identity/
COPY subgraphs/learning/package.json subgraphs/learning/
COPY subgraphs/scheduling/package.json subgraphs/scheduling/
COPY subgraphs/commerce/package.json subgraphs/commerce/
COPY subgraphs/community/package.json subgraphs/community/
COPY subgraphs/ai-analytics/package.json subgraphs/ai-analytics/
COPY single-process/package.json single-process/
COPY tests/package.json tests/
# Development dependencies too: tsx, which runs the TypeScript, is one of them.
RUN pnpm install --frozen-lockfile

COPY . .
RUN pnpm build

# identity delivers mail to files here when no SMTP server is configured (a volume in compose).
RUN mkdir -p /app/.data/mail && chown -R node:node /app/.data

ENV NODE_ENV=production
# V8 collects before growing past this (as `pnpm start` sets with SERVICE_HEAP_MB).
ENV NODE_OPTIONS=--max-old-space-size=384
# tsx (the migrate job) keeps its transform cache under /tmp, which the unprivileged user can write.
USER node

# Each service in docker-compose.yml names its own entry point; this one is the gateway.
EXPOSE 4000
CMD ["node", "gateway/dist/index.js"]
