import { describe, expect, it } from 'vitest';
import { OCSP_OUTAGE_MODES, OPENSSL_OUTAGE_MODES } from '../../../src/faults/ocsp-outage.js';
import { ScenarioError, validateScenario } from '../../../src/scenario/index.js';
import { validationError, validInput } from './scenario-fixtures.js';

type Mutable = Record<string, any>;

function withOpensslResponder(change: (input: Mutable) => void = () => {}): Mutable {
  const input = validInput() as Mutable;
  input.lab = { gateway: { kind: 'node', ocsp: { mode: 'hard-fail' } }, ocspResponder: { kind: 'openssl' } };
  input.load = { rate: '10/s', duration: '20s' };
  change(input);
  return input;
}

function errorOf(input: Mutable): ScenarioError {
  return validationError(input);
}

describe('lab.ocspResponder kind openssl', () => {
  it('is a responder kind, with a validity in whole minutes', () => {
    const scenario = validateScenario(withOpensslResponder((s) => (s.lab.ocspResponder.validity = '2m')), 'drill.yaml');
    expect(scenario.lab.ocspResponder).toEqual({ kind: 'openssl', validityMs: 120_000 });
  });

  it('refuses a validity openssl ocsp -nmin cannot express, naming the field', () => {
    const error = errorOf(withOpensslResponder((s) => (s.lab.ocspResponder.validity = '90s')));
    expect(error.path).toEqual(['lab', 'ocspResponder', 'validity']);
    expect(error.message).toMatch(/whole minutes with kind "openssl" \(openssl ocsp -nmin\), got 90s/);
  });

  it('takes ocsp-outage modes down and blackhole, and revocation via OCSP', () => {
    for (const mode of OPENSSL_OUTAGE_MODES) {
      expect(() => validateScenario(withOpensslResponder((s) => (s.faults = [{ at: '5s', for: '5s', kind: 'ocsp-outage', mode }])), 'drill.yaml')).not.toThrow();
    }
    expect(() => validateScenario(withOpensslResponder((s) => (s.faults = [{ at: '5s', for: '5s', kind: 'revocation', via: 'ocsp' }])), 'drill.yaml')).not.toThrow();
  });

  it('refuses every other ocsp-outage mode at validation, naming the fault, the mode and the responder kind', () => {
    const others = OCSP_OUTAGE_MODES.filter((mode) => !(OPENSSL_OUTAGE_MODES as readonly string[]).includes(mode));
    expect(others).toEqual(['slow', 'http-5xx', 'try-later', 'unauthorized', 'malformed', 'stale', 'revoked']);
    for (const mode of others) {
      const error = errorOf(withOpensslResponder((s) => (s.faults = [{ at: '5s', for: '5s', kind: 'ocsp-outage', mode }])));
      expect(error.path).toEqual(['faults', 0, 'kind']);
      expect(error.message).toContain(`fault ocsp-outage mode "${mode}" needs lab.ocspResponder kind "builtin"`);
      expect(error.message).toContain('with kind "openssl" (a real openssl ocsp) ocsp-outage has modes "down" and "blackhole" only');
    }
  });

  it('refuses ca-rotation when the gateway checks OCSP (openssl ocsp cannot learn the new CA), and takes it when it does not', () => {
    const rotation = { at: '5s', for: '5s', kind: 'ca-rotation', ca: 'intermediate' };
    const error = errorOf(withOpensslResponder((s) => (s.faults = [rotation])));
    expect(error.path).toEqual(['faults', 0, 'kind']);
    expect(error.message).toContain('cannot use lab.ocspResponder kind "openssl"');
    expect(error.message).toContain('use ocspResponder: { kind: builtin }');
    const ocspOff = withOpensslResponder((s) => {
      s.lab.gateway.ocsp = { mode: 'off' };
      s.faults = [rotation];
    });
    expect(() => validateScenario(ocspOff, 'drill.yaml')).not.toThrow();
    const builtin = withOpensslResponder((s) => {
      s.lab.ocspResponder = { kind: 'builtin' };
      s.faults = [rotation];
    });
    expect(() => validateScenario(builtin, 'drill.yaml')).not.toThrow();
  });
});
