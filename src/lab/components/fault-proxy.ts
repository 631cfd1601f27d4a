import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentOptions } from '../component-options.js';
import type { FaultProxyProcessConfig } from '../processes/fault-proxy-config.js';
import type { LinkName, Toxic } from '../toxic.js';
import { startForkedComponent, type ForkedComponent } from './forked-component.js';

export interface FaultProxyOptions extends ComponentOptions {
  readonly link: LinkName;
  /** Where the proxy forwards to (the gateway, the OCSP responder), as the lab's components reach it. */
  readonly upstream: { readonly host: string; readonly port: number };
}

export interface StartedFaultProxy {
  readonly name: string;
  readonly link: LinkName;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** How other components of the lab reach it: 127.0.0.1:<port> locally, <container>:<port> in docker. */
  readonly address: { readonly host: string; readonly port: number };
  pids(): number[];
  /** Puts a toxic on every connection of the link (undefined: forward untouched again). */
  setToxic(toxic: Toxic | undefined): Promise<void>;
  /** Connections accepted and reset, bytes dropped, connections open. */
  stats(): Promise<{ accepted: number; reset: number; dropped: number; open: number }>;
  stop(): Promise<void>;
}

/** Starts a fault proxy (processes/fault-proxy-process.ts): a supervised child on 127.0.0.1, or a container on the run network. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<StartedFaultProxy> {
  const configFile = join(options.dir, `${options.name}.json`);
  const config: FaultProxyProcessConfig = {
    name: options.name,
    upstreamHost: options.upstream.host,
    upstreamPort: options.upstream.port,
    ...(options.runtime && options.runtime.kind !== 'local' ? { bind: options.runtime.bind } : {}),
  };
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  const { proc, ipc, port, running } = await startForkedComponent({
    ...options,
    entry: 'fault-proxy-process.ts',
    configFile,
    what: `fault proxy on link ${options.link} (127.0.0.1, port chosen by itself)`,
  });
  return {
    name: options.name,
    link: options.link,
    host: '127.0.0.1',
    port,
    address: running.address,
    pids: () => proc.pids(),
    setToxic: async (toxic) => {
      await ipc.request('setToxic', toxic ?? null);
    },
    stats: () => ipc.request('stats'),
    stop: () => proc.stop(),
  };
}
