import { describe, expect, it } from 'vitest';
import { expectLifecycleRun } from '../support/lifecycle-drill.js';
import { runDrill } from '../support/run-drill.js';

describe('drill intermediate-rotation-overlap', () => {
  for (const drill of ['intermediate-rotation-overlap', 'intermediate-rotation-overlap-nginx']) {
    it(`${drill}: the well-ordered rotation costs nothing, before, during or after`, async () => {
      const outcome = await runDrill(drill, { durationMs: 16_000 });
      const result = expectLifecycleRun(outcome, 'ca-rotation');
      expect(result.byPhase.fault!.successRate).toBeGreaterThanOrEqual(0.995);
      expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.995);
      expect(result.blastRadius).toBeLessThanOrEqual(0.005);
      expect(result.verdict).toBe('pass');
    }, 90_000);
  }
});
