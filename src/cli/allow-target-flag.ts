import { Option } from 'commander';
import { ALLOW_TARGETS_ENV, ALLOW_TARGET_FLAG, TargetAllowList, guardTarget, type GuardedTarget } from '../load/index.js';
import { collect } from './identity-flags.js';
import { printErr } from './print.js';
import type { Scenario } from '../scenario/index.js';

/** --allow-target, shared by every command that sends load to a URL: the way past the loopback-only guard. */
export function allowTargetOption(): Option {
  return new Option(
    `${ALLOW_TARGET_FLAG} <host[:port]>`,
    'let load go to this host (and port, when given) outside loopback: a gateway you run; repeatable or comma-separated, ' +
      `also read from ${ALLOW_TARGETS_ENV}. Without it only 127.0.0.0/8, ::1 and localhost are loaded; host names are not resolved to decide`,
  )
    .argParser(collect)
    .default([]);
}

/**
 * The guard, run first in a command's action: before a file is read, a name resolved or a socket
 * opened. For a target outside loopback it then prints `plan` on stderr, so the person sees
 * where the load goes and how much before any of it is sent.
 */
export function guardCommandTarget(command: string, url: string, allowTarget: readonly string[]): GuardedTarget {
  return guardTarget(url, TargetAllowList.from(allowTarget, process.env), command);
}

/** One line on stderr, printed only for a target outside loopback, after the flags were checked and before any packet. */
export function printPlan(command: string, target: GuardedTarget, details: string): void {
  if (target.loopback) return;
  printErr(`plan: ${command} ${target.address} (allowed by ${target.allowedBy}): ${details}\n`);
}

/**
 * The guard for a scenario (`run`, `bench <scenario>`): a gateway the team runs (lab.gateway.kind
 * external) outside loopback needs an allow entry, checked after the file is validated and before
 * anything starts. A lab gateway is always on loopback: nothing to check.
 */
export function guardScenarioTarget(command: string, scenario: Scenario, allowTarget: readonly string[]): GuardedTarget | undefined {
  const { address } = scenario.lab.gateway;
  if (scenario.lab.gateway.kind !== 'external' || address === undefined) return undefined;
  return guardCommandTarget(command, `https://${address}/`, allowTarget);
}
