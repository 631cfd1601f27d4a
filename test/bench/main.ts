/**
 * `npm run bench -- <area>`: figures and ratios against a reference measured in the same run.
 * Areas register here; each prints its own table and returns whether its targets were met.
 */
import { capacityBench } from './capacity-bench.js';
import { handshakeBench } from './handshake-bench.js';
import { pkiBench } from './pki-bench.js';

const AREAS: Record<string, () => Promise<boolean>> = {
  pki: pkiBench,
  handshake: handshakeBench,
  capacity: capacityBench,
};

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const areas = requested.length > 0 ? requested : Object.keys(AREAS);
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
