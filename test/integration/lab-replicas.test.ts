import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { buildLabPki, type LabPki } from '../../src/pki/index.js';
import { attempt } from '../support/gateway-client.js';
import { isAlive } from '../support/processes.js';
import { startTestLab } from '../support/test-lab.js';

describe.each(['node', 'nginx'] as const)('lab with 3 %s gateway replicas behind the built-in balancer', (kind) => {
  it('round-robins over replicas that each name themselves, also when refusing; stop leaves nothing', async () => {
    const pki: LabPki = await buildLabPki({ clients: 1 });
    const foreign = (await buildLabPki({ clients: 1, organization: 'someone else' })).clients[0]!;
    const { lab } = await startTestLab({ gateway: { kind, replicas: 3 }, balancer: { kind: 'builtin' } }, pki);
    const names = [`gateway-${kind}-1`, `gateway-${kind}-2`, `gateway-${kind}-3`];
    expect(lab.replicas.map((replica) => replica.name)).toEqual(names);
    expect(lab.balancer).toBeDefined();
    expect(lab.gateway.port).toBe(lab.balancer!.port);
    expect(new Set(lab.replicas.map((replica) => replica.port)).size).toBe(3);
    // The entry point's processes are every replica's (CPU, gateway-pause), not the balancer's.
    const replicaPids = lab.replicas.flatMap((replica) => replica.pids());
    expect(lab.gateway.pids().sort()).toEqual([...replicaPids].sort());
    expect(lab.gateway.pids()).not.toContain(lab.balancer!.pids()[0]);
    expect(lab.components.map((component) => component.kind)).toEqual([...names.map(() => `gateway/${kind}`), 'balancer/builtin']);

    const answers = [];
    for (let index = 0; index < 6; index++) answers.push(await attempt(lab.gateway, pki.clients[0]!));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const order = answers.map((answer) => answer.replica);
    expect(new Set(order.slice(0, 3))).toEqual(new Set(names));
    expect(order.slice(3)).toEqual(order.slice(0, 3));

    // A refused client certificate (node: 495; nginx: its 400) still says which replica refused.
    const refusals = [];
    for (let index = 0; index < 3; index++) refusals.push(await attempt(lab.gateway, foreign));
    expect(refusals.map((answer) => answer.status)).toEqual(kind === 'node' ? [495, 495, 495] : [400, 400, 400]);
    expect(new Set(refusals.map((answer) => answer.replica))).toEqual(new Set(names));

    const pids = [...replicaPids, ...lab.balancer!.pids()];
    await lab.stop();
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} still alive after stop()`).toBe(false);
  });
});

describe.each(['builtin', 'haproxy'] as const)('the %s balancer\'s route log', (balancer) => {
  it('names the replica each client port reached', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const { lab } = await startTestLab({ gateway: { kind: 'node', replicas: 2 }, balancer: { kind: balancer } }, pki);
    expect(lab.balancer!.kind).toBe(balancer);
    const startedAtMs = Date.now();
    const ports: number[] = [];
    for (let index = 0; index < 4; index++) {
      // A handshake, so that the bytes went through the balancer to a replica, as an attempt's do.
      const socket = connect({ host: '127.0.0.1', port: lab.gateway.port, servername: 'localhost', ca: lab.gateway.caPem });
      await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
      ports.push(socket.localPort!);
      socket.destroy();
    }
    const routes = await lab.balancer!.routes([...ports, 1].map((clientPort) => ({ clientPort, startedAtMs })));
    // Round-robin: alternating (where it starts depends on the readiness probe's own connection).
    const [first, second] = routes;
    expect(new Set([first, second])).toEqual(new Set(['gateway-node-1', 'gateway-node-2']));
    expect(routes.slice(0, 4)).toEqual([first, second, first, second]);
    expect(routes[4]).toBeNull();
    const balancerPids = lab.balancer!.pids();
    expect(balancerPids.length).toBeGreaterThan(0);
    await lab.stop();
    for (const pid of balancerPids) expect(isAlive(pid), `balancer pid ${pid} still alive after stop()`).toBe(false);
  });
});
