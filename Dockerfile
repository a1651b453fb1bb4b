# syntax=docker/dockerfile:1
# Two stages: the build stage compiles TypeScript with the dev dependencies; the runtime stage holds
# only production dependencies and the compiled output, and runs as the unprivileged `node` user.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; we build explicitly below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    LADDER_CONFIG=/app/ladder.yaml \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# A default config baked in; docker-compose mounts ./ladder.example.yaml over it.
COPY ladder.example.yaml ./ladder.yaml
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/ladder.js"]
CMD ["start"]
