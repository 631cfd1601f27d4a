import type Docker from 'dockerode';
// Not re-exported by the package's index; the class is part of its published typings.
import { AbstractWaitStrategy } from 'testcontainers/build/wait-strategies/wait-strategy.js';
import { IpcClient } from '../ipc.js';
import { containerStartError, type StartingContainer } from './container-start-error.js';
import { readyBeforeExit } from './ready-before-exit.js';
import { SocketIpcChannel } from './socket-ipc-channel.js';

/**
 * Ready when one of our Node components in its container says `ready` over the relay's Unix socket
 * (container-relay-process.ts), the same message a local child sends over its IPC channel. The
 * connected channel is kept for the runtime: it is the component's control channel from then on.
 * Fails with E_LAB_START quoting the component's log while the container still exists
 * (testcontainers removes a container whose wait strategy fails), or with the abort's reason.
 */
export class RelayReadyWaitStrategy extends AbstractWaitStrategy {
  #channel: SocketIpcChannel | undefined;
  #ipc: IpcClient | undefined;

  constructor(
    private readonly starting: StartingContainer & { readonly logFile: string },
    private readonly socketPath: string,
    private readonly signal: AbortSignal,
  ) {
    super();
  }

  override async waitUntilReady(container: Docker.Container): Promise<void> {
    try {
      await readyBeforeExit(container, this.startupTimeoutMs, this.signal, async (signal) => {
        const channel = await SocketIpcChannel.connect(this.socketPath, signal, Number.POSITIVE_INFINITY);
        this.#channel = channel;
        signal.throwIfAborted();
        const ipc = new IpcClient(channel, this.starting.name);
        await Promise.race([
          ipc.ready(),
          new Promise<never>((_, reject) => channel.once('exit', () => reject(new Error('exited before it was ready')))),
        ]);
        this.#ipc = ipc;
      });
    } catch (error) {
      const answered = this.#channel !== undefined;
      this.#channel?.close();
      this.#channel = undefined;
      if (this.signal.aborted) throw this.signal.reason;
      const reason = (error as Error).message;
      throw await containerStartError(this.starting, container, answered ? reason : `${reason} (its relay socket never answered)`);
    }
  }

  /** The component's control channel, once ready. */
  connected(): { readonly channel: SocketIpcChannel; readonly ipc: IpcClient } {
    if (!this.#channel || !this.#ipc) throw new Error(`${this.starting.name}: not ready yet`);
    return { channel: this.#channel, ipc: this.#ipc };
  }
}
