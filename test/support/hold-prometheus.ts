/**
 * A harness stand-in for the crash test (test/integration/prometheus-process.test.ts): starts a
 * real Prometheus registered in a run registry, prints `ready <pid> <dir>`, then waits to be
 * killed. TMPDIR decides where the registry and the data dir go.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunRegistry } from '../../src/lab/index.js';
import { startPrometheus } from '../../src/observe/index.js';

// As a run does (src/run/run-scenario.ts): a registered temp dir of its own, Prometheus inside it.
const registry = new RunRegistry(`hold-prometheus-${process.pid}.run`);
const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-hold-prometheus-'));
await registry.addTempDir(workDir);
const prometheus = await startPrometheus({ workDir, registry, signal: AbortSignal.timeout(60_000) });
process.stdout.write(`ready ${prometheus.pid} ${prometheus.dir}\n`);
setInterval(() => undefined, 60_000);
