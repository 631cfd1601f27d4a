import { describe, expect, it } from 'vitest';
import { moduleSyntaxError } from '../../../src/scenario/module-syntax-error.js';
import { writeTemp } from './scenario-fixtures.js';

const BROKEN = "export default {\n  name: 'broken',\n  load: { rate: '1/s' ;\n};\n";

describe('moduleSyntaxError', () => {
  it("locates Node's own SyntaxError (no line or column of its own) with esbuild, 1-based", async () => {
    const file = await writeTemp('broken.mjs', BROKEN);
    // What `import()` of that file throws under plain node (the built CLI): message only.
    const error = await moduleSyntaxError(new SyntaxError("Unexpected token ';'"), file);
    expect(error).toMatchObject({ code: 'E_SCENARIO_SYNTAX', file: `${file}:3:23`, message: 'Expected "}" but found ";"' });
  });

  it("reads line and column from tsx's TransformError (esbuild's `errors` deleted), not its renamed file", async () => {
    const transformError = Object.assign(new Error('Transform failed with 2 errors:\n/x/broken.ts:3:22: ERROR: Expected "}" but found ";"\n/x/broken.ts:9:0: ERROR: Unexpected end of file'), { name: 'TransformError' });
    const error = await moduleSyntaxError(transformError, '/x/broken.mts');
    expect(error).toMatchObject({ code: 'E_SCENARIO_SYNTAX', file: '/x/broken.mts:3:23', message: 'Expected "}" but found ";" (and 1 more error after it)' });
    expect(error?.cause).toBe(transformError);
  });

  it('is undefined for what is not a syntax error, and for a SyntaxError esbuild finds nothing in', async () => {
    const valid = await writeTemp('valid.mjs', 'export default {};\n');
    expect(await moduleSyntaxError(new Error('Cannot find module zod'), valid)).toBeUndefined();
    expect(await moduleSyntaxError(new SyntaxError('The requested module does not provide an export named x'), valid)).toBeUndefined();
  });
});
