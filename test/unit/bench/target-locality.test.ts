import { describe, expect, it } from 'vitest';
import { defaultGeneratorWorkers, targetIsOnThisMachine } from '../../../src/bench/index.js';

describe('where the bench target runs, and how many generator threads that leaves us', () => {
  it('counts loopback addresses and localhost as this machine, a documentation address as another', async () => {
    expect(await targetIsOnThisMachine('https://127.0.0.1:8443/')).toBe(true);
    expect(await targetIsOnThisMachine('https://[::1]:8443/')).toBe(true);
    expect(await targetIsOnThisMachine('https://localhost/')).toBe(true);
    expect(await targetIsOnThisMachine('https://192.0.2.10/')).toBe(false);
    expect(await targetIsOnThisMachine('https://no-such-host.invalid/')).toBe(false);
  });

  it('uses every core for a remote target and leaves one to a local target', () => {
    expect(defaultGeneratorWorkers(false, 8)).toBe(8);
    expect(defaultGeneratorWorkers(true, 8)).toBe(7);
    expect(defaultGeneratorWorkers(true, 1)).toBe(1);
    expect(defaultGeneratorWorkers(false, 64)).toBe(16);
  });
});
