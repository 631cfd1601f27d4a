import { describe, it } from 'vitest';
import { runDrill } from '../support/run-drill.js';
import { OWN_CONFIG_DRILLS, expectOwnConfigDrill } from '../support/own-config-drills.js';

/**
 * A team's own nginx and haproxy configs (scenarios/examples/team-*.{conf,cfg}, not written by the
 * lab's config writer) through the drills of their built-in counterparts, on the local runtime:
 * the faults reach them through the placeholders' files and reloads, and the verdicts and
 * categories are those of the built-in drills. test/docker/drills-docker.test.ts runs them in containers.
 */
describe('drills on a team\'s own gateway config (local runtime)', () => {
  for (const { drill, builtIn, faultCategories } of OWN_CONFIG_DRILLS) {
    it(`${drill} agrees with ${builtIn}`, async () => {
      expectOwnConfigDrill(await runDrill(drill), faultCategories);
    }, 120_000);
  }
});
