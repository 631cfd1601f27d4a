import fc from 'fast-check';
import { validateScenario, type Scenario } from '../../src/scenario/index.js';
import { hostileText } from './hostile-text.js';

/** The strings of a scenario its author decides, short of the name (a slug by the schema). */
export interface ScenarioText {
  readonly description: string;
  /** Whitespace inside the SLOs: the grammar allows any \s between metric, operator and value. */
  readonly sloSpace: string;
  readonly path: string;
  readonly sanTail: string;
}

export const PLAIN_SCENARIO_TEXT: ScenarioText = { description: 'A plain drill.', sloSpace: ' ', path: '/', sanTail: 'plain/{name}' };

export function scenarioWith(text: ScenarioText): Scenario {
  const space = text.sloSpace;
  return {
    ...validateScenario(
      {
        name: 'hostile',
        description: `Drill ${text.description}`,
        lab: { gateway: { kind: 'node', authorization: { allowSanPrefixes: ['spiffe://example.org/'] } } },
        load: { rate: '10/s', duration: '10s', path: text.path },
        slos: [`success.rate${space}>=${space}99%`, { expr: `recovery.time${space}<${space}3s`, phase: 'recovery' }, `handshake.p95${space}<${space}150ms`],
        faults: [{ at: '2s', for: '3s', kind: 'identity-drift', san: `spiffe://drifted.example.org/${text.sanTail}` }],
      },
      'hostile.yaml',
    ),
    file: '/drills/hostile.yaml',
  };
}

export const scenarioText: fc.Arbitrary<ScenarioText> = fc.record({
  description: hostileText,
  sloSpace: fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2028', '\u2029', '\u3000', '\ufeff'), minLength: 1, maxLength: 4 }),
  // What load.path allows: "/" then printable ASCII, quotes, backslashes and backticks included.
  path: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 30 }).map((rest) => `/${rest}`),
  sanTail: hostileText.map((text) => text.replace(/\s/g, '') || 'x'),
});
