import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenario/index.js';
import { writeTemp } from './scenario-fixtures.js';

// A scenario in a folder with no node_modules above it (the system temp folder), as a person's
// own folder is when mtls-chaos is installed globally or run through npx. Resolves to dist/ (the
// package's exports), which `npm ci` builds. A .mjs scenario is imported by vitest's own module
// runner here, not Node's, so it is covered from the built CLI in test/integration/packed-install.test.ts.
const SCENARIO = (name: string) => `import { defineScenario, parseDuration } from 'mtls-chaos';
export default defineScenario({
  name: '${name}',
  description: 'A drill outside the repository.',
  lab: { gateway: { kind: 'node' } },
  load: { rate: '10/s', duration: \`\${parseDuration('3s') / 1000}s\` },
  slos: ['success.rate >= 99%'],
});
`;

describe("a scenario module outside any project imports 'mtls-chaos'", () => {
  it('as a .ts file (compiled to CommonJS outside a "type": "module" package)', async () => {
    const scenario = await loadScenario(await writeTemp('outside.ts', SCENARIO('outside-ts')));
    expect(scenario).toMatchObject({ name: 'outside-ts', load: { durationMs: 3_000 } });
  });

  it('as a .mts file (ESM)', async () => {
    const scenario = await loadScenario(await writeTemp('outside.mts', SCENARIO('outside-mts')));
    expect(scenario).toMatchObject({ name: 'outside-mts', load: { durationMs: 3_000 } });
  });
});
