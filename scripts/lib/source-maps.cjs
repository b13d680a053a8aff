// Preloaded into every service process (`node --require <this> main.js`: scripts/start.mjs,
// scripts/lib/cluster-primary.mjs, the Dockerfile), instead of `node --enable-source-maps`.
// Stack traces still name the TypeScript sources of the platform's own code (dist/ has a .js.map
// per file), but not node_modules': the CLI flag also reads the source map of every package file
// that has one when it is loaded, and keeps it (TypeORM ships a map with the TypeScript sources
// inside for each of its ~300 files): about 10 MiB of V8 heap and 30 MiB RSS per service
// (docs/performance.md, "Memory"). A package's own .js frames stay readable as they are.
// (A worker thread of `npm start -- --threads` asks for the same in scripts/lib/service-thread.mjs.)
'use strict';
process
  .getBuiltinModule('node:module')
  .setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
