import type { Command } from 'commander';

/**
 * The examples every command's --help ends with (k6 shows one per command), keyed by the
 * command's path ("pki init"). One table, so a command added without examples is caught by its
 * test (test/unit/cli/help-examples.test.ts) rather than by a user.
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  run: [
    'mtls-chaos run baseline                               # a built-in drill by name',
    'mtls-chaos run my-drill.yaml --out reports --quiet    # in CI: exit 0 pass, 1 SLO breached, 2 bad input',
    'mtls-chaos run ocsp-down-hard-fail --runtime docker   # every component in a container',
  ],
  init: ['mtls-chaos init game-day     # my-drill.yaml, my-drill.ts, a README for CI, .gitignore'],
  validate: ['mtls-chaos validate my-drill.yaml --plan', 'mtls-chaos validate scenarios/*.ts'],
  list: ['mtls-chaos list', 'mtls-chaos list --faults'],
  schema: ['mtls-chaos schema --out scenario.schema.json   # completion in editors'],
  probe: [
    'mtls-chaos probe https://127.0.0.1:8443/ --cert client.pem --key client.key --ca ca.pem',
    'mtls-chaos probe --scenario staging-gameday.yaml --json | jq .category',
  ],
  load: [
    'mtls-chaos load https://127.0.0.1:8443/ --cert client.pem --key client.key --ca ca.pem --rate 200/s --duration 30s',
    'mtls-chaos load --scenario staging-gameday.yaml --concurrency 8 --duration 1m --json-out load.json',
  ],
  bench: [
    "mtls-chaos bench scenarios/bench-nginx.ts --slo 'handshake.p95 < 100ms' --slo 'success.rate >= 99.9%' --html bench.html",
    "mtls-chaos bench scenarios/bench-nginx.ts --matrix key,resumption --slo 'success.rate >= 99%' --json | jq '.combinations[].capacity'",
  ],
  pki: ['mtls-chaos pki init ./lab --clients 3'],
  'pki init': ['mtls-chaos pki init ./lab --clients 3 --alg ecdsa-p384 --server-name gateway.local'],
  report: ['mtls-chaos report reports/baseline-20261207-101500/result.json --html --out rerendered'],
  compare: ['mtls-chaos compare last-night/result.json tonight/result.json --tolerance 10%   # exit 1 on a regression'],
  cleanup: ['mtls-chaos cleanup   # after a run was killed (SIGKILL, a crashed CI runner)'],
  doctor: ['mtls-chaos doctor', 'mtls-chaos doctor --require docker   # exit 1 when the docker runtime cannot run'],
  export: ['mtls-chaos export k6 ocsp-down-hard-fail --out k6-drill --parallelism 4'],
  'export k6': ['mtls-chaos export k6 ocsp-down-hard-fail --out k6-drill --target https://gateway.staging.example:8443'],
  import: ['mtls-chaos import k6 runner-*.json --faults reports/ocsp-down-hard-fail-*/result.json --out k6-result'],
  'import k6': ['mtls-chaos import k6 runner-1.json runner-2.json --summary summary-1.json summary-2.json --out k6-result'],
};

/** The path of a command below the program: "pki init". */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** Appends each command's examples to its --help, below the program (help itself excluded). */
export function addHelpExamples(program: Command): void {
  const visit = (command: Command): void => {
    const examples = HELP_EXAMPLES[commandPath(command)];
    if (examples) command.addHelpText('after', `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`);
    command.commands.forEach(visit);
  };
  program.commands.forEach(visit);
}
