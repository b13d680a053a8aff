#!/usr/bin/env node
// `npm run seed`: like `npm run migrate` (migrations first, so it works on a fresh database),
// then every service's seed.js (demo data; a seed only fills an empty database).
import './lib/require-node.mjs';
import { oneShot } from './lib/stack.mjs';

await oneShot(['migrate', 'seed']);
