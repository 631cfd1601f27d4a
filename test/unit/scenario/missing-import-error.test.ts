import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario } from '../../../src/scenario/index.js';
import { writeTemp } from './scenario-fixtures.js';

async function loadError(file: string): Promise<ScenarioError> {
  const error = await loadScenario(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return error as ScenarioError;
}

describe('a scenario module importing what is not there: E_SCENARIO_IMPORT, not a hint about export default', () => {
  for (const extension of ['ts', 'mts']) {
    it(`a package that is not installed (.${extension})`, async () => {
      const file = await writeTemp(`missing.${extension}`, `import { pad } from 'no-such-package-mtls/deep';\nexport default { name: pad };\n`);
      const error = await loadError(file);
      expect(error).toMatchObject({ code: 'E_SCENARIO_IMPORT', file, message: expect.stringContaining('package "no-such-package-mtls"') });
      expect(error.hint).toContain('npm install no-such-package-mtls');
      expect(error.hint).not.toMatch(/export default/);
    });

    it(`a file that is not there (.${extension})`, async () => {
      const file = await writeTemp(`relative.${extension}`, `import { drill } from './helper.js';\nexport default drill;\n`);
      const error = await loadError(file);
      expect(error).toMatchObject({ code: 'E_SCENARIO_IMPORT', file, message: expect.stringMatching(/^imports file ".*helper\.js", which cannot be found$/) });
      expect(error.hint).toMatch(/check the path/);
    });
  }
});
