# Jōkkær server. Without DATABASE_URL it starts the embedded PostgreSQL and keeps the cluster and the
# uploaded files under /data (PostgreSQL refuses to run as root; here it runs as the `node` user).
#
#   docker build -t jokkaer .
#   docker run -p 3000:3000 -v jokkaer-data:/data jokkaer
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://user:pass@db:5432/jokkaer jokkaer

# ---- build: every dependency (isolated-vm compiles natively), compile, then drop dev dependencies ----
FROM node:22-bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
# @scarf/scarf (a dependency of a dependency) reports installs unless told not to.
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY sdk-plugin/package.json sdk-plugin/
COPY web/package.json web/
# First-party plugins are workspaces too (small: their sources come along with their manifests).
COPY plugins plugins
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts scripts
COPY sdk-plugin sdk-plugin
COPY core core
COPY web web
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and the compiled server, SDK and plugin runner only ----
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/core/package.json core/
COPY --from=build /app/core/dist core/dist
COPY --from=build /app/sdk-plugin/package.json sdk-plugin/
COPY --from=build /app/sdk-plugin/dist sdk-plugin/dist
COPY --from=build /app/plugins plugins
# The browser client, bundled: core serves it at / (core/src/common/web-client.ts).
COPY --from=build /app/web/dist web/dist
RUN mkdir -p /data /plugins && chown node:node /data

ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
USER node
VOLUME ["/data"]
EXPOSE 3000
# A first start initialises the embedded cluster and migrates, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "core/dist/main.js"]
