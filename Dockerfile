# The service image: Node 24 LTS runs the TypeScript sources directly (type stripping). Only the
# staff console is built (Vite), in a first stage whose dev dependencies stay out of the image.
FROM node:24-bookworm-slim AS console
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY vite.config.ts ./
COPY src/console/web ./src/console/web
RUN npm run build

FROM node:24-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Letters are rendered to PDF by Debian's Chromium (fonts come from the npm package, not the system).
RUN apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json ./
# The `node` dev dependency exists for machines without Node 24; the image already has it.
# `prepare` builds the console, which the first stage has done already.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY src ./src
COPY scripts ./scripts
COPY playbooks ./playbooks
COPY policy ./policy
COPY inbound ./inbound
COPY templates ./templates
COPY locales ./locales
COPY test/fixtures/events ./test/fixtures/events
COPY --from=console /build/dist/console ./dist/console

USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Heap limits: see scripts/node-flags.ts.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "src/main.ts"]
