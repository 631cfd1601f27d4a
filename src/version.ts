import { readFileSync } from 'node:fs';

/**
 * The version of mtls-chaos, from package.json (one place to change it): `--version`, the
 * `tool` field of result.json and of exported k6 bundles. package.json sits one folder above
 * both src/ and dist/, and npm packs it.
 */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
