import { describe, expect, it } from 'vitest';
import { resolveForkEntry } from '../../../src/lab/fork-entry.js';

describe('resolveForkEntry', () => {
  it('forks the .ts file through tsx when running from source', () => {
    expect(resolveForkEntry('file:///repo/src/lab/components/node-gateway.ts', '../processes/node-gateway-process.ts')).toEqual({
      modulePath: '/repo/src/lab/processes/node-gateway-process.ts',
      execArgv: ['--import', 'tsx'],
    });
  });

  it('forks the compiled .js file plainly from dist', () => {
    expect(resolveForkEntry('file:///repo/dist/lab/components/node-gateway.js', '../processes/node-gateway-process.ts')).toEqual({
      modulePath: '/repo/dist/lab/processes/node-gateway-process.js',
      execArgv: [],
    });
  });
});
