import { describe, expect, it } from 'vitest';
import { haproxyBalancerConfig, ROUTE_LINE } from '../../../src/lab/components/haproxy-balancer-config.js';

const backends = [
  { name: 'gateway-haproxy-1', host: '127.0.0.1', port: 40001 },
  { name: 'gateway-haproxy-2', host: '127.0.0.1', port: 40002 },
];

describe('haproxy balancer config', () => {
  it('listens on 127.0.0.1 only, TCP round-robin over the replicas in order, logging each route as soon as it is chosen', () => {
    const config = haproxyBalancerConfig({ port: 18443, backends, pidFile: '/tmp/run/b.pid' });
    expect(config).toMatch(/^\s+bind 127\.0\.0\.1:18443$/m);
    expect(config.match(/^\s+bind /gm)).toHaveLength(1);
    expect(config).toMatch(/^\s+mode tcp$/m);
    expect(config).toMatch(/^\s+balance roundrobin$/m);
    expect(config).toMatch(/^\s+option logasap$/m);
    expect([...config.matchAll(/^\s+server (\S+) (\S+)$/gm)].map((match) => [match[1], match[2]])).toEqual([
      ['gateway-haproxy-1', '127.0.0.1:40001'],
      ['gateway-haproxy-2', '127.0.0.1:40002'],
    ]);
  });

  it('refuses no backends and a name haproxy would misread', () => {
    expect(() => haproxyBalancerConfig({ port: 1, backends: [], pidFile: '/p' })).toThrow(/at least one backend/);
    expect(() => haproxyBalancerConfig({ port: 1, backends: [{ name: 'a b', host: '127.0.0.1', port: 2 }], pidFile: '/p' })).toThrow(/server name/);
  });

  it('reads a route line as haproxy writes it (client port, accept time in epoch ms, replica)', () => {
    expect(ROUTE_LINE.exec('route 60794 1795640970497 r1')?.slice(1)).toEqual(['60794', '1795640970497', 'r1']);
    expect(ROUTE_LINE.exec('[NOTICE]   (26308) : Loading success.')).toBeNull();
  });
});
