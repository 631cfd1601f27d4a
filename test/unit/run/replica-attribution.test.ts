import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../../src/metrics/index.js';
import { ReplicaAttribution } from '../../../src/run/replica-attribution.js';

const attempt = (fields: Partial<AttemptRecord>): AttemptRecord => ({
  scheduledAtMs: 100,
  startDelayMs: 0,
  totalMs: 5,
  category: 'ok',
  resumed: false,
  identity: 'client-1',
  ...fields,
});

describe('ReplicaAttribution', () => {
  it('passes through records that name their replica, and all records without a balancer', async () => {
    const recorded: AttemptRecord[] = [];
    const withBalancer = new ReplicaAttribution({
      lookup: async () => {
        throw new Error('not asked');
      },
      record: (record) => recorded.push(record),
      startedAtMs: () => 0,
    });
    withBalancer.accept(attempt({ replica: 'gateway-node-1', localPort: 40_000 }));
    withBalancer.accept(attempt({ category: 'connection_refused' })); // never connected: no port
    const without = new ReplicaAttribution({ lookup: undefined, record: (record) => recorded.push(record), startedAtMs: () => 0 });
    without.accept(attempt({ category: 'unknown_ca', localPort: 40_001 }));
    expect(recorded.map((record) => record.replica)).toEqual(['gateway-node-1', undefined, undefined]);
    await withBalancer.drain();
  });

  it('asks the balancer once per batch about attempts without a replica and records them attributed', async () => {
    const recorded: AttemptRecord[] = [];
    const asked: unknown[] = [];
    const attribution = new ReplicaAttribution({
      lookup: async (queries) => {
        asked.push(queries);
        return queries.map((query) => (query.clientPort === 40_002 ? 'gateway-node-3' : null));
      },
      record: (record) => recorded.push(record),
      startedAtMs: (record) => 1_000_000 + record.scheduledAtMs,
      batchMs: 10_000,
    });
    attribution.accept(attempt({ category: 'unknown_ca', localPort: 40_002, scheduledAtMs: 200 }));
    attribution.accept(attempt({ category: 'connection_reset', localPort: 40_009 }));
    expect(recorded).toEqual([]); // waiting for the batch
    await attribution.drain();
    expect(asked).toEqual([[{ clientPort: 40_002, startedAtMs: 1_000_200 }, { clientPort: 40_009, startedAtMs: 1_000_100 }]]);
    expect(recorded.map((record) => [record.category, record.replica])).toEqual([
      ['unknown_ca', 'gateway-node-3'],
      ['connection_reset', undefined], // the balancer never saw it: recorded, unattributed
    ]);
  });

  it('records the batch unattributed when the lookup fails', async () => {
    const recorded: AttemptRecord[] = [];
    const attribution = new ReplicaAttribution({
      lookup: () => Promise.reject(new Error('balancer gone')),
      record: (record) => recorded.push(record),
      startedAtMs: () => 0,
    });
    attribution.accept(attempt({ category: 'unknown_ca', localPort: 40_002 }));
    await attribution.drain();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.replica).toBeUndefined();
  });
});
