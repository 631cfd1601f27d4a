import { isIP } from 'node:net';
import type { NamespaceFault } from '../network-namespace-fault.js';

/** The traffic with every address resolved: what the rules match on. */
export type ResolvedTraffic =
  | { readonly direction: 'inbound'; readonly port: number }
  | { readonly direction: 'outbound'; readonly address: string; readonly port: number };

export interface NamespaceRules {
  /** iptables argv lists, in order: create the chains, fill them, then jump to them (the fault starts at the jumps). */
  readonly apply: readonly (readonly string[])[];
  /** The reverse: the jumps go first (the fault ends there), then the chains are flushed and deleted. */
  readonly heal: readonly (readonly string[])[];
}

/**
 * The iptables commands for one fault, in two chains of its own (`<chain>_IN` from INPUT,
 * `<chain>_OUT` from OUTPUT) so that heal removes exactly what apply added and nothing of
 * anyone else's. Two chains, not one: `--sport 8443` in INPUT would also match the replies of
 * the component's own connections to a peer listening on 8443 (every lab component does).
 * Pure, so the mapping is unit-tested.
 *
 * - partition blackhole: DROP both ways; open connections go silent, new ones time out.
 * - partition refuse: REJECT with a TCP reset both ways (`--reject-with tcp-reset`, valid for TCP
 *   only, hence `-p tcp`), resets themselves excepted: a connect is refused, an open connection is reset.
 * - loss: `-m statistic --mode random --probability p -j DROP` each way; TCP retransmits
 *   (the first after the 200 ms minimum RTO), so handshakes get slower rather than fail.
 */
export function namespaceRules(fault: NamespaceFault, traffic: ResolvedTraffic, chain: string): NamespaceRules {
  if (!/^[A-Z][A-Z0-9_]{0,23}$/.test(chain)) throw new RangeError(`chain name ${JSON.stringify(chain)}: expected A-Z, 0-9 and _, at most 24 characters`);
  if (!Number.isInteger(traffic.port) || traffic.port < 1 || traffic.port > 65_535) throw new RangeError(`port ${traffic.port}: expected 1 to 65535`);
  if (traffic.direction === 'outbound' && isIP(traffic.address) === 0) throw new RangeError(`address ${JSON.stringify(traffic.address)}: expected an IP address`);
  if (fault.kind === 'loss' && !(fault.probability > 0 && fault.probability < 1)) throw new RangeError(`loss probability ${fault.probability}: expected 0 < p < 1`);
  const inChain = `${chain}_IN`;
  const outChain = `${chain}_OUT`;
  const port = String(traffic.port);
  // What arrives (INPUT) and what leaves (OUTPUT) of the connections concerned.
  const [incoming, outgoing] =
    traffic.direction === 'inbound'
      ? [
          ['-p', 'tcp', '--dport', port],
          ['-p', 'tcp', '--sport', port],
        ]
      : [
          ['-p', 'tcp', '-s', traffic.address, '--sport', port],
          ['-p', 'tcp', '-d', traffic.address, '--dport', port],
        ];
  const action =
    fault.kind === 'loss'
      ? ['-m', 'statistic', '--mode', 'random', '--probability', String(fault.probability), '-j', 'DROP']
      : fault.mode === 'refuse'
        ? // The reset REJECT sends passes the chains too (it leaves from port 8443, or comes from
          // the peer): without the exception the other chain would swallow it, and the refusal
          // would turn into a silent blackhole.
          ['!', '--tcp-flags', 'RST', 'RST', '-j', 'REJECT', '--reject-with', 'tcp-reset']
        : ['-j', 'DROP'];
  return {
    apply: [
      ['iptables', '-w', '-N', inChain],
      ['iptables', '-w', '-N', outChain],
      ['iptables', '-w', '-A', inChain, ...incoming, ...action],
      ['iptables', '-w', '-A', outChain, ...outgoing, ...action],
      ['iptables', '-w', '-I', 'INPUT', '1', '-j', inChain],
      ['iptables', '-w', '-I', 'OUTPUT', '1', '-j', outChain],
    ],
    heal: [
      ['iptables', '-w', '-D', 'INPUT', '-j', inChain],
      ['iptables', '-w', '-D', 'OUTPUT', '-j', outChain],
      ['iptables', '-w', '-F', inChain],
      ['iptables', '-w', '-F', outChain],
      ['iptables', '-w', '-X', inChain],
      ['iptables', '-w', '-X', outChain],
    ],
  };
}

/**
 * One `sh` script for a list of commands, so a fault costs one exec rather than six. Every
 * argument is checked against a plain alphabet first: nothing reaches the shell to interpret.
 * `stopOnError` false runs every command whatever failed (a heal removes what it can).
 */
export function shellScript(commands: readonly (readonly string[])[], stopOnError: boolean): string {
  for (const argument of commands.flat()) {
    if (!/^([A-Za-z0-9_.:/-]+|!)$/.test(argument)) throw new RangeError(`refusing to put ${JSON.stringify(argument)} in a shell command`);
  }
  return commands.map((argv) => argv.join(' ')).join(stopOnError ? ' && ' : '; ');
}
