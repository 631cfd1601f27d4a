/**
 * Runs the real `mtls-chaos load` command (the CLI's own command tree, in this process) and
 * reports the CPU it took: the generator bench's "ours". Module loading happens before the
 * measurement starts, so the figure is the load's, as for the minimal client beside it.
 *
 *   node --import tsx test/bench/cli-load-cpu.ts <load arguments...> --json-out <file>
 *
 * Prints the load's usual summary, then one JSON line: { cpuMs } (all threads).
 */
import { buildProgram } from '../../src/cli/program.js';

const program = buildProgram();
const startCpu = process.cpuUsage();
await program.parseAsync(['load', ...process.argv.slice(2)], { from: 'user' });
const cpu = process.cpuUsage(startCpu);
process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1_000 })}\n`);
