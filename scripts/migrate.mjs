#!/usr/bin/env node
// `npm run migrate`: build if needed, PostgreSQL up (POSTGRES_URL or embedded), databases
// created, every existing service's migrate.js (applies its TypeORM migrations and exits),
// then the embedded PostgreSQL is stopped again (unless another process, e.g. `npm start`, runs it).
import './lib/require-node.mjs';
import { oneShot } from './lib/stack.mjs';

await oneShot(['migrate']);
