import { describe, expect, it } from 'vitest';
import { BalancerRouteLog, ROUTE_MATCH_WINDOW_MS } from '../../../src/lab/balancer-route-log.js';

describe('BalancerRouteLog', () => {
  it('names the backend of the connection from a client port', () => {
    const log = new BalancerRouteLog();
    log.add({ clientPort: 40_001, acceptedAtMs: 1_000, backend: 'gateway-node-1' });
    log.add({ clientPort: 40_002, acceptedAtMs: 1_001, backend: 'gateway-node-2' });
    expect(log.backendOf({ clientPort: 40_002, startedAtMs: 999 })).toBe('gateway-node-2');
    expect(log.backendOf({ clientPort: 40_003, startedAtMs: 999 })).toBeUndefined();
  });

  it('tells apart connections that reused a port by when they were accepted', () => {
    const log = new BalancerRouteLog();
    log.add({ clientPort: 40_001, acceptedAtMs: 1_000, backend: 'gateway-node-1' });
    log.add({ clientPort: 40_001, acceptedAtMs: 1_300, backend: 'gateway-node-3' });
    expect(log.backendOf({ clientPort: 40_001, startedAtMs: 998 })).toBe('gateway-node-1');
    expect(log.backendOf({ clientPort: 40_001, startedAtMs: 1_299 })).toBe('gateway-node-3');
    // Nothing near: another connection's route is not borrowed.
    expect(log.backendOf({ clientPort: 40_001, startedAtMs: 1_300 + ROUTE_MATCH_WINDOW_MS + 1 })).toBeUndefined();
  });

  it('keeps only the last few routes of a port', () => {
    const log = new BalancerRouteLog();
    for (let index = 0; index < 10; index++) log.add({ clientPort: 40_001, acceptedAtMs: index * 10_000, backend: `b${index}` });
    expect(log.backendOf({ clientPort: 40_001, startedAtMs: 0 })).toBeUndefined();
    expect(log.backendOf({ clientPort: 40_001, startedAtMs: 90_000 })).toBe('b9');
  });
});
