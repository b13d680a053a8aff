// Compiles a service's TypeScript to CommonJS with swc (@swc/core): no type checking (that is
// `npm run lint`'s `tsc --noEmit`), about a hundred times faster than tsc. The output keeps the
// layout tsc gave (rootDir "."): services/<name>/src/x.ts → dist/services/<name>/services/<name>/src/x.js
// and every lib the service includes beside it, so one service's dist/ directory runs on its own
// (the Dockerfile copies only that one).
// The options are jest's (jest.config.js): Nest's dependency injection reads the decorators'
// design:paramtypes metadata, and keeps class names for its tokens and logs.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './services.mjs';

/** tsconfig.base.json's `paths` (@app/platform → libs/platform/src), rewritten to relative requires. */
async function aliasPaths() {
  const base = JSON.parse(await readFile(path.join(ROOT, 'tsconfig.base.json'), 'utf8'));
  return base.compilerOptions.paths;
}

function swcOptions(paths) {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      target: 'es2022',
      baseUrl: ROOT,
      paths,
    },
    // module "node20" in tsconfig: CommonJS, and import() stays a real import()
    module: { type: 'commonjs', ignoreDynamic: true },
    sourceMaps: true,
    swcrc: false,
    configFile: false,
  };
}

/**
 * The .ts files (no specs, no declarations) under the directories of a tsconfig.app.json's
 * `include`, and of every lib those files import through an @app/ alias (as tsc follows imports).
 */
export async function serviceSources(name) {
  const dir = path.join(ROOT, 'services', name);
  const tsconfig = JSON.parse(await readFile(path.join(dir, 'tsconfig.app.json'), 'utf8'));
  const pending = tsconfig.include.map((pattern) => {
    if (!pattern.endsWith('/**/*')) {
      throw new Error(`services/${name}/tsconfig.app.json: include "${pattern}" is not <dir>/**/*`);
    }
    return path.resolve(dir, pattern.slice(0, -'/**/*'.length));
  });
  const seen = new Set();
  const files = [];
  while (pending.length) {
    const root = pending.shift();
    if (seen.has(root)) continue;
    seen.add(root);
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      const file = path.join(entry.parentPath, entry.name);
      if (!entry.isFile() || !file.endsWith('.ts') || /\.(e2e-)?spec\.ts$|\.d\.ts$/.test(file)) {
        continue;
      }
      files.push(file);
      for (const [, lib] of (await readFile(file, 'utf8')).matchAll(/['"]@app\/([a-z-]+)/g)) {
        pending.push(path.join(ROOT, 'libs', lib, 'src'));
      }
    }
  }
  return files;
}

/**
 * A compiler that transforms each source once, however many services include it (the libs):
 * relative requires and source-map paths are the same from every service's output directory,
 * since each sits at the same depth (dist/services/<name>/).
 */
export function createCompiler() {
  const compiled = new Map();
  let options;
  // loaded on first use: swc's native library is about 20 MiB of resident pages, which an
  // up-to-date build never needs and the launcher (the one process of `npm start -- --threads`)
  // would otherwise keep for its whole life
  let swc;
  const compile = async (file) => {
    options ??= aliasPaths().then(swcOptions);
    swc ??= import('@swc/core');
    return (await swc).transformFile(file, { ...(await options), filename: file });
  };
  return {
    /** Writes dist/services/<name>/<path>.js and .js.map for every source of the service. */
    async buildService(name) {
      const outRoot = path.join(ROOT, 'dist', 'services', name);
      const files = await serviceSources(name);
      await Promise.all(
        files.map(async (file) => {
          if (!compiled.has(file)) compiled.set(file, compile(file));
          const { code, map } = await compiled.get(file);
          const rel = path.relative(ROOT, file);
          const out = path.join(outRoot, rel.replace(/\.ts$/, '.js'));
          const sourceMap = JSON.parse(map);
          sourceMap.file = path.basename(out);
          sourceMap.sources = [path.relative(path.dirname(out), file)];
          delete sourceMap.sourcesContent;
          await mkdir(path.dirname(out), { recursive: true });
          await Promise.all([
            writeFile(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`),
            writeFile(`${out}.map`, JSON.stringify(sourceMap)),
          ]);
        }),
      );
      return files.length;
    },
  };
}
