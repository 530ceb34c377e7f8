/**
 * The one infra test that bundles for real: the service stack's seven functions go through NodejsFunction
 * with the local esbuild (no Docker), and each bundle is checked for the properties the runtime relies on.
 * Needs every `functions/<name>/handler.ts`; skipped with the list of missing ones until they all exist.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_BUDGET_BYTES,
  ESM_REQUIRE_BANNER,
  handlerEntry,
  missingHandlers,
} from '../../infra/bundling.ts';
import { createPantauApp } from '../../infra/pantau-app.ts';
import { resourcesOf } from './support.ts';

const missing = missingHandlers();
const allHandlersExist = missing.length === 0;
if (!allHandlersExist) {
  console.warn(`bundles.test.ts: skipping the real-bundling test, missing handlers: ${missing.join(', ')}`);
}

describe('Lambda bundles', () => {
  it.skipIf(!allHandlersExist)(
    'bundles every handler as a minified ESM file with the require banner, a source map and no external AWS SDK',
    () => {
      const { service, app } = createPantauApp({
        appProps: {
          context: { stage: 'dev', 'aws:cdk:bundling-stacks': ['Pantau-dev-Service'] },
          builtinCloudFormationValidation: false,
        },
        env: {},
        entry: (name) => handlerEntry(name),
      });
      const template = Template.fromStack(service);
      const outdir = app.outdir;
      const sizes: Record<string, number> = {};
      for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
        const name = String(fn.Properties['FunctionName'] ?? '');
        if (!name.startsWith('pantau-')) continue;
        const key = (fn.Properties['Code'] as { S3Key: string }).S3Key;
        const dir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
        const file = join(dir, 'index.mjs');
        expect(existsSync(file), `${name}: ${file}`).toBe(true);
        expect(existsSync(`${file}.map`), `${name} source map`).toBe(true);
        const code = readFileSync(file, 'utf8');
        expect(code.startsWith(ESM_REQUIRE_BANNER), `${name} starts with the createRequire banner`).toBe(
          true,
        );
        expect(code, `${name} bundles the AWS SDK`).not.toMatch(/from\s*["']@aws-sdk\//);
        expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
        sizes[name] = statSync(file).size;
        expect(sizes[name], `${name} bundle size`).toBeLessThan(BUNDLE_BUDGET_BYTES);
      }
      expect(Object.keys(sizes)).toHaveLength(7);
      console.info(
        'bundle sizes (KB):',
        Object.fromEntries(Object.entries(sizes).map(([n, b]) => [n, Math.round(b / 1024)])),
      );
    },
    180_000,
  );
});
