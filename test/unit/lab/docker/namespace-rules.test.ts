import { describe, expect, it } from 'vitest';
import { namespaceRules, shellScript } from '../../../../src/lab/docker/namespace-rules.js';

const line = (argv: readonly string[]) => argv.join(' ');

describe('namespaceRules: iptables argv for a fault in a container\'s namespace', () => {
  it('partition blackhole of inbound traffic: DROP to the listening port and from it, in chains of its own, jumps last', () => {
    const rules = namespaceRules({ kind: 'partition', mode: 'blackhole' }, { direction: 'inbound', port: 8443 }, 'MTLS_CHAOS_1');
    expect(rules.apply.map(line)).toEqual([
      'iptables -w -N MTLS_CHAOS_1_IN',
      'iptables -w -N MTLS_CHAOS_1_OUT',
      'iptables -w -A MTLS_CHAOS_1_IN -p tcp --dport 8443 -j DROP',
      'iptables -w -A MTLS_CHAOS_1_OUT -p tcp --sport 8443 -j DROP',
      'iptables -w -I INPUT 1 -j MTLS_CHAOS_1_IN',
      'iptables -w -I OUTPUT 1 -j MTLS_CHAOS_1_OUT',
    ]);
    // Heal takes the jumps out first (the fault ends at once), then removes exactly its chains.
    expect(rules.heal.map(line)).toEqual([
      'iptables -w -D INPUT -j MTLS_CHAOS_1_IN',
      'iptables -w -D OUTPUT -j MTLS_CHAOS_1_OUT',
      'iptables -w -F MTLS_CHAOS_1_IN',
      'iptables -w -F MTLS_CHAOS_1_OUT',
      'iptables -w -X MTLS_CHAOS_1_IN',
      'iptables -w -X MTLS_CHAOS_1_OUT',
    ]);
  });

  it('partition refuse of outbound traffic to a peer: TCP resets to and from that address and port only, the resets themselves let through', () => {
    const rules = namespaceRules({ kind: 'partition', mode: 'refuse' }, { direction: 'outbound', address: '172.18.0.3', port: 8443 }, 'MTLS_CHAOS_2');
    expect(rules.apply.map(line).slice(2, 4)).toEqual([
      'iptables -w -A MTLS_CHAOS_2_IN -p tcp -s 172.18.0.3 --sport 8443 ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset',
      'iptables -w -A MTLS_CHAOS_2_OUT -p tcp -d 172.18.0.3 --dport 8443 ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset',
    ]);
  });

  it('loss: a random share of packets dropped each way with the statistic match', () => {
    const rules = namespaceRules({ kind: 'loss', probability: 0.2 }, { direction: 'inbound', port: 8443 }, 'MTLS_CHAOS_3');
    expect(rules.apply.map(line).slice(2, 4)).toEqual([
      'iptables -w -A MTLS_CHAOS_3_IN -p tcp --dport 8443 -m statistic --mode random --probability 0.2 -j DROP',
      'iptables -w -A MTLS_CHAOS_3_OUT -p tcp --sport 8443 -m statistic --mode random --probability 0.2 -j DROP',
    ]);
  });

  it('refuses what would make a wrong or unsafe rule', () => {
    const partition = { kind: 'partition', mode: 'blackhole' } as const;
    expect(() => namespaceRules(partition, { direction: 'outbound', address: 'ocsp; reboot', port: 8443 }, 'MTLS_CHAOS_1')).toThrow(/expected an IP address/);
    expect(() => namespaceRules(partition, { direction: 'inbound', port: 0 }, 'MTLS_CHAOS_1')).toThrow(/expected 1 to 65535/);
    expect(() => namespaceRules(partition, { direction: 'inbound', port: 8443 }, 'INPUT -F')).toThrow(/chain name/);
    expect(() => namespaceRules({ kind: 'loss', probability: 1 }, { direction: 'inbound', port: 8443 }, 'MTLS_CHAOS_1')).toThrow(/0 < p < 1/);
  });
});

describe('shellScript', () => {
  it('joins commands, stopping at the first failure or not', () => {
    const commands = [
      ['iptables', '-w', '-N', 'A'],
      ['iptables', '-w', '-N', 'B'],
    ];
    expect(shellScript(commands, true)).toBe('iptables -w -N A && iptables -w -N B');
    expect(shellScript(commands, false)).toBe('iptables -w -N A; iptables -w -N B');
  });

  it('refuses any argument the shell could interpret', () => {
    for (const argument of ['a b', '$(id)', 'a;b', "'", '`id`', '', '!!', 'a!']) expect(() => shellScript([['iptables', argument]], true)).toThrow(/refusing/);
  });
});
