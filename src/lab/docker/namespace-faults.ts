import type Docker from 'dockerode';
import { LabError } from '../lab-error.js';
import type { AppliedNamespaceFault, NamespaceFault, NamespaceTraffic, NetworkNamespaces } from '../network-namespace-fault.js';
import { describeNamespaceFault } from '../network-namespace-fault.js';
import { assertImagePresent } from './docker-engine.js';
import { execIn } from './container-exec.js';
import { COMPONENT_LABEL } from './docker-labels.js';
import { namespaceRules, shellScript, type ResolvedTraffic } from './namespace-rules.js';

export const NET_TOOLS_IMAGE = 'mtls-chaos/net-tools:latest';
/** Prefix of every chain a run adds; each applied fault gets its own pair (<prefix>_<n>_IN/_OUT). */
export const CHAIN_PREFIX = 'MTLS_CHAOS';

export interface DockerNamespaceFaultsOptions {
  readonly docker: Docker;
  /** The run's labels: the helpers carry them, so teardown and the dead-run sweep remove them. */
  readonly labels: Record<string, string>;
  /** The run's network: peers' addresses are read on it. */
  readonly network: string;
  /** The container name of a lab component. */
  readonly containerName: (component: string) => string;
  /** The port every component listens on inside its namespace. */
  readonly componentPort: number;
}

/**
 * Network faults inside a component container's own network namespace, the way Pumba does it: a
 * helper container from mtls-chaos/net-tools joins the namespace (NetworkMode container:<target>)
 * with CAP_NET_ADMIN and runs iptables there; the component's own container needs no tools and
 * no privileges. iptables only: this machine's kernel has no sch_netem, so `tc netem` cannot be
 * used (latency stays on the fault proxy), while DROP, REJECT and `-m statistic` work.
 */
export class DockerNamespaceFaults implements NetworkNamespaces {
  readonly #helpers = new Map<string, Promise<Docker.Container>>();
  readonly #applied = new Set<AppliedNamespaceFault>();
  #next = 1;
  #closed = false;

  constructor(private readonly options: DockerNamespaceFaultsOptions) {}

  async prepare(component: string): Promise<void> {
    if (this.#closed) return;
    await this.helper(component);
  }

  async apply(component: string, fault: NamespaceFault, traffic: NamespaceTraffic): Promise<AppliedNamespaceFault> {
    if (this.#closed) throw new LabError('E_LAB_STOPPED', `cannot apply ${describeNamespaceFault(fault)} to ${component}: the lab is stopping`);
    const helper = await this.helper(component);
    const resolved = await this.resolve(traffic);
    const rules = namespaceRules(fault, resolved, `${CHAIN_PREFIX}_${this.#next++}`);
    const applied = await execIn(this.options.docker, helper, ['sh', '-c', shellScript(rules.apply, true)]);
    if (applied.exitCode !== 0) {
      // Whatever part went in comes out again.
      await execIn(this.options.docker, helper, ['sh', '-c', shellScript(rules.heal, false)]).catch(() => undefined);
      throw new LabError('E_LAB_NETNS', `iptables in the network namespace of ${component} failed (exit ${applied.exitCode}): ${applied.output}`, {
        hint: `the helper container runs ${NET_TOOLS_IMAGE} with CAP_NET_ADMIN; rebuild the images with \`npm run containers:build\``,
      });
    }
    let healing: Promise<void> | undefined;
    const handle: AppliedNamespaceFault = {
      heal: () => {
        healing ??= (async () => {
          this.#applied.delete(handle);
          // The component may be gone already (teardown): its namespace, and the rules, went with it.
          await execIn(this.options.docker, helper, ['sh', '-c', shellScript(rules.heal, false)]).catch(() => undefined);
        })();
        return healing;
      },
    };
    this.#applied.add(handle);
    return handle;
  }

  async rules(component: string): Promise<string> {
    const helper = await this.helper(component);
    const { exitCode, output } = await execIn(this.options.docker, helper, ['iptables', '-w', '-S']);
    if (exitCode !== 0) throw new LabError('E_LAB_NETNS', `iptables -S in the network namespace of ${component} failed (exit ${exitCode}): ${output}`);
    return output;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#applied].map((applied) => applied.heal()));
    const helpers = [...this.#helpers.values()];
    this.#helpers.clear();
    await Promise.all(helpers.map(async (pending) => (await pending.catch(() => undefined))?.remove({ force: true }).catch(() => undefined)));
  }

  /** The component's helper, started on first use and kept until close. */
  private helper(component: string): Promise<Docker.Container> {
    let pending = this.#helpers.get(component);
    if (!pending) {
      pending = this.startHelper(component);
      this.#helpers.set(component, pending);
      pending.catch(() => this.#helpers.delete(component));
    }
    return pending;
  }

  private async startHelper(component: string): Promise<Docker.Container> {
    const { docker } = this.options;
    await assertImagePresent(docker, NET_TOOLS_IMAGE);
    const target = this.options.containerName(component);
    const container = await docker.createContainer({
      name: this.options.containerName(`netns-${component}`),
      Image: NET_TOOLS_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { ...this.options.labels, [COMPONENT_LABEL]: `netns-${component}` },
      HostConfig: {
        NetworkMode: `container:${target}`,
        CapAdd: ['NET_ADMIN'],
        // sleep as PID 1 ignores SIGTERM: stop at once.
        Init: true,
      },
    });
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw new LabError('E_LAB_NETNS', `the helper container for the network namespace of ${component} (${target}) did not start: ${(error as Error).message}`, { cause: error });
    }
    return container;
  }

  private async resolve(traffic: NamespaceTraffic): Promise<ResolvedTraffic> {
    if (traffic.direction === 'inbound') return { direction: 'inbound', port: this.options.componentPort };
    // iptables matches addresses, not names: the peer's address on the run network, read now.
    const name = this.options.containerName(traffic.peer.host);
    const inspected = await this.options.docker.getContainer(name).inspect();
    const address = inspected.NetworkSettings.Networks[this.options.network]?.IPAddress;
    if (!address) throw new LabError('E_LAB_NETNS', `${traffic.peer.host} (container ${name}) has no address on the run network ${this.options.network}`);
    return { direction: 'outbound', address, port: traffic.peer.port };
  }
}
