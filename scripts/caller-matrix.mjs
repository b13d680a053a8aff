#!/usr/bin/env node
// `node scripts/caller-matrix.mjs`: rewrites the caller matrix of docs/authentication.md from the
// code. It runs the matrix test of e2e/service-scopes, which boots the seven services and reads
// each route's @ServiceAuth(...) callers; the same test fails in `npm test` when the docs differ.
// Needs POSTGRES_URL (as every e2e suite does).
import { spawnSync } from 'node:child_process';

const result = spawnSync(
  'npx',
  ['jest', 'e2e/service-scopes/service-scopes.e2e-spec.ts', '-t', 'caller matrix'],
  {
    stdio: 'inherit',
    // jest loads NestJS 12 (ESM only) through the VM modules, as `npm test` does
    env: {
      ...process.env,
      UPDATE_CALLER_MATRIX: '1',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
    },
  },
);
process.exit(result.status ?? 1);
