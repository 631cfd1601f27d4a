import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTable } from '../../src/bench/index.js';
import { buildLabPki, writeLabPki } from '../../src/pki/index.js';
import { launchCapacityFront } from '../support/capacity-front.js';
import { KNOWN_CAPACITY_CASES, benchKnownCapacity, knownCapacityOutcome, type KnownCapacityOutcome } from '../support/known-capacity.js';

/**
 * `npm run bench -- known-capacity [--runs 10]`: the known-capacity integration test's benches,
 * `--runs` times each, every other run beside a busy loop (`node -e 'for(;;){}'`) that takes one
 * of the cores. Counts how often bench found the capacity within 15%, said "noise", or gave a
 * precise wrong knee (the target: never). The JSON of each run stays in a temp folder, printed.
 */
export async function knownCapacityBench(): Promise<boolean> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 10;
  const dir = await mkdtemp(join(tmpdir(), 'known-capacity-bench-'));
  const files = await writeLabPki(await buildLabPki({ clients: 2 }), join(dir, 'pki'));
  process.stdout.write(`${runs} runs per case, odd runs beside a busy loop; reports in ${dir}\n`);
  const rows: string[][] = [];
  const counts = new Map<string, number>();
  for (let run = 1; run <= runs; run++) {
    const hog = run % 2 === 1 ? busyLoop() : undefined;
    try {
      for (const { capacity, start } of KNOWN_CAPACITY_CASES) {
        const front = await launchCapacityFront(capacity, files);
        try {
          const name = `run${run}-${capacity}`;
          const { report } = await benchKnownCapacity(front, start, files, dir, name).catch((error: Error) => {
            process.stdout.write(`run ${run} ${capacity}/s: ${error.message.slice(0, 300)}\n`);
            throw error;
          });
          const outcome = knownCapacityOutcome(report, capacity);
          const key = `${capacity}/s ${hog ? 'busy' : 'quiet'} ${outcome}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          rows.push([String(run), hog ? 'busy loop' : '-', `${capacity}/s`, report.capacityText, report.limitedBy, String(report.steps.length), outcome]);
          process.stdout.write(`run ${run} ${capacity}/s ${hog ? 'busy' : 'quiet'}: ${report.capacityText} limited by ${report.limitedBy}: ${outcome}${report.noise ? ` (${report.noise.reasons.join('; ')})` : ''}\n`);
        } finally {
          await front.close();
        }
      }
    } finally {
      hog?.kill('SIGKILL');
    }
  }
  process.stdout.write(`\n${renderTable(['run', 'beside', 'front', 'found', 'limited by', 'steps', 'outcome'], rows, new Set([0, 5])).join('\n')}\n\n`);
  for (const [key, count] of [...counts].sort()) process.stdout.write(`${key}: ${count}\n`);
  const wrong = [...counts].filter(([key]) => key.endsWith('wrong')).reduce((total, [, count]) => total + count, 0);
  process.stdout.write(`precise wrong knees: ${wrong} (target 0)\n`);
  return wrong === 0;
}

function busyLoop(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  child.unref();
  return child;
}

