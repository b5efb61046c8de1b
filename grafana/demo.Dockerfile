# The demo app of docker-compose.yml: `agentmeter demo` built from this checkout.
FROM node:22.15.0-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["demo"]
