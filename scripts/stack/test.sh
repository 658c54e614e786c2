#!/usr/bin/env bash
# `npm run test:stack`: the stack tier — the production adapters' contract suites against
# live servers, and every service as its own process behind Traefik, faults included.
exec bash "$(dirname "$0")/with-servers.sh" npx vitest run --config vitest.stack.config.ts "$@"
