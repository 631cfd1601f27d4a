/**
 * `npm run bench -- <area>`: figures and ratios against a reference measured in the same run.
 * Areas register here; each prints its own table and returns whether its targets were met.
 */
import { capacityBench } from './capacity-bench.js';
import { generatorBench } from './generator-bench.js';
import { handshakeBench } from './handshake-bench.js';
import { hostileBench } from './hostile-bench.js';
import { k6ImportBench } from './k6-import-bench.js';
import { knownCapacityBench } from './known-capacity-bench.js';
import { ocspResponderBench } from './ocsp-responder-bench.js';
import { pkiBench } from './pki-bench.js';
import { soakBench } from './soak-bench.js';
import { startupBench } from './startup-bench.js';

const AREAS: Record<string, () => Promise<boolean>> = {
  pki: pkiBench,
  handshake: handshakeBench,
  generator: generatorBench,
  'k6-import': k6ImportBench,
  soak: soakBench,
  startup: startupBench,
  capacity: capacityBench,
  'ocsp-responder': ocspResponderBench,
  'known-capacity': knownCapacityBench,
  hostile: hostileBench,
};

// Flags and their values (`--minutes 5`) belong to the areas that read them.
const requested = process.argv.slice(2).filter((arg, index, all) => !arg.startsWith('-') && !all[index - 1]?.startsWith('--'));
// The soak runs for half an hour: only when asked for by name.
const areas = requested.length > 0 ? requested : Object.keys(AREAS).filter((area) => area !== 'soak');
const unknown = areas.filter((area) => !(area in AREAS));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench area(s): ${unknown.join(', ')}; known: ${Object.keys(AREAS).join(', ')}\n`);
  process.exit(2);
}
let allMet = true;
for (const area of areas) {
  process.stdout.write(`\n== bench ${area} ==\n`);
  allMet = (await AREAS[area]!()) && allMet;
}
process.stdout.write(`\n${allMet ? 'all targets met' : 'some targets missed (see above)'}\n`);
