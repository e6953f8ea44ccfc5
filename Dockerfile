# Jōkkær server. Without DATABASE_URL it starts the embedded PostgreSQL and keeps the cluster and the
# uploaded files under /data (PostgreSQL refuses to run as root; here it runs as the `node` user).
#
#   docker build -t jokkaer .
#   docker run -p 3000:3000 -v jokkaer-data:/data jokkaer
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://user:pass@db:5432/jokkaer jokkaer

# ---- build: every dependency, then compile core ----
FROM node:22-bookworm-slim AS build
# @scarf/scarf (a dependency of a dependency) reports installs unless told not to.
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY sdk-plugin/package.json sdk-plugin/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY core core
RUN npm run build

# ---- runtime: production dependencies and the compiled server only ----
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY sdk-plugin/package.json sdk-plugin/
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force
COPY --from=build /app/core/dist core/dist
RUN mkdir -p /data && chown node:node /data

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
