import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GATEWAY_CONFIG_PLACEHOLDERS } from '../../../../src/lab/index.js';

describe('README "Your own gateway configuration"', () => {
  it('documents every placeholder the lab fills, as the code describes it', async () => {
    const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `\{\{(\w+)\}\}` \| (.+) \|$/gm)].map((match) => [match[1], match[2]]);
    expect(rows).toEqual(Object.entries(GATEWAY_CONFIG_PLACEHOLDERS));
  });
});
