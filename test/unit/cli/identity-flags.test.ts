import { describe, expect, it } from 'vitest';
import { loadCommand } from '../../../src/cli/load-command.js';
import { probeCommand } from '../../../src/cli/probe-command.js';

describe('the --client-ca and --revocation-fetch flags of probe and load', () => {
  it.each([
    ['probe', probeCommand()],
    ['load', loadCommand()],
  ])('%s documents both in --help, and --client-ca has no default (never --ca)', (_name, command) => {
    const help = command.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain('--client-ca <file> CA bundle (PEM) the gateway trusts for client certificates');
    expect(help).toContain('Without it the path is not checked and --ca is not taken for it');
    expect(help).toMatch(/--revocation-fetch <scope> .*loopback \(only on this machine\), any \(also remote\), off .*default: "loopback"/);
    expect(command.options.find((option) => option.long === '--client-ca')?.defaultValue).toBeUndefined();
  });
});
