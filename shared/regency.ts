/**
 * The regency configurations bundled into the Lambda code (static JSON imports, so esbuild inlines
 * them and a cold start reads no file). Parsed once per container.
 */
import majalengka from '../config/majalengka.json' with { type: 'json' };
import { parseRegencyConfig, type RegencyConfig } from './domain/config.ts';

const BUNDLED: Readonly<Record<string, unknown>> = { majalengka };
const cache = new Map<string, RegencyConfig>();

/**
 * The parsed config of a bundled regency.
 * @throws {ConfigError} when the bundled file is invalid; {@link Error} when the regency is unknown.
 */
export function bundledRegencyConfig(regency: string): RegencyConfig {
  const cached = cache.get(regency);
  if (cached) return cached;
  const raw = BUNDLED[regency];
  if (raw === undefined)
    throw new Error(`No bundled config for regency '${regency}' (have: ${Object.keys(BUNDLED).join(', ')})`);
  const config = parseRegencyConfig(raw, `config/${regency}.json`);
  cache.set(regency, config);
  return config;
}
