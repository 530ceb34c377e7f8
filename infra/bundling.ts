/**
 * One description of how every Pantau Lambda is bundled, shared by the `NodejsFunction` construct and by
 * `scripts/measure-bundles.ts`, so the measured bundles are the deployed ones.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName, REPO_ROOT } from './config.ts';

/** esbuild `target` matching the Lambda runtime (`nodejs24.x`). */
export const BUNDLE_TARGET = 'node24';

/**
 * Defines `require` inside the ESM bundle: CommonJS dependencies bundled into ESM call `require()` for
 * Node built-ins, which ESM scope lacks. The import is aliased so it cannot clash with bundled names.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __pantauCreateRequire } from 'node:module'; const require = __pantauCreateRequire(import.meta.url);";

/**
 * `module` before `main` so dual packages (the AWS SDK, Powertools) resolve to their ESM builds, which
 * tree-shake better than their CommonJS builds.
 */
export const MAIN_FIELDS = ['module', 'main'];

/**
 * The AWS SDK is bundled, not taken from the runtime: the tested client versions are the deployed ones, and
 * the minified bundle imports 1.8–4.7× faster (fastest of 7 runs) than the same code loading the SDK from
 * `node_modules` (BENCHMARKS.infra.md, "AWS SDK bundled vs external").
 */
export const EXTERNAL_MODULES: string[] = [];

/**
 * Upper bound for one function's minified bundle, bytes: about twice the largest measured bundle (classify,
 * 2.2 MB with the embedded sentiment model; BENCHMARKS.infra.md). Crossing it means a dependency was pulled
 * in by mistake, which costs cold-start time on every new container.
 */
export const BUNDLE_BUDGET_BYTES = 4 * 1024 * 1024;

/** Absolute path of a function's entry file: `functions/<name>/handler.ts`. */
export function handlerEntry(name: FunctionName, root: string = REPO_ROOT): string {
  return join(root, 'functions', name, 'handler.ts');
}

/** Names of the functions whose entry file is missing under `root` (empty when all exist). */
export function missingHandlers(root: string = REPO_ROOT): FunctionName[] {
  return FUNCTION_NAMES.filter((name) => !existsSync(handlerEntry(name, root)));
}

/**
 * The esbuild options `NodejsFunction` derives from the bundling props in `constructs/pantau-function.ts`
 * (`--bundle --platform=node --format=esm --target=node24 --minify --sourcemap --sources-content=false
 * --main-fields=module,main --banner:js=…`), for scripts that bundle outside CDK.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    external: EXTERNAL_MODULES,
    logLevel: 'warning',
  };
}
