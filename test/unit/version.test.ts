import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TOOL_VERSION } from '../../src/version.js';

describe('TOOL_VERSION', () => {
  it('is package.json\'s version: the one place a release changes it', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
    expect(TOOL_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
