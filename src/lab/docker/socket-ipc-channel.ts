import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The harness's end of a container relay's Unix socket, shaped like a forked child's IPC channel
 * (`message` and `exit` events, `connected`, `send`) so that IpcClient works unchanged.
 */
export class SocketIpcChannel extends EventEmitter {
  #connected = true;
  #buffered = '';

  private constructor(private readonly socket: Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffered += chunk;
      let newline: number;
      while ((newline = this.#buffered.indexOf('\n')) >= 0) {
        const line = this.#buffered.slice(0, newline);
        this.#buffered = this.#buffered.slice(newline + 1);
        if (line) this.emit('message', JSON.parse(line));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#connected = false;
      this.emit('exit', null, null);
    });
  }

  /** Connects, retrying while the relay has not created its socket yet. */
  static async connect(path: string, signal: AbortSignal, deadlineMs: number): Promise<SocketIpcChannel> {
    for (;;) {
      signal.throwIfAborted();
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const attempt = connect(path, () => {
            attempt.off('error', reject);
            resolve(attempt);
          });
          attempt.once('error', reject);
        });
        return new SocketIpcChannel(socket);
      } catch (error) {
        if (Date.now() >= deadlineMs) throw error;
        await delay(50);
      }
    }
  }

  get connected(): boolean {
    return this.#connected;
  }

  send(message: unknown, callback?: (error: Error | null) => void): boolean {
    if (!this.#connected) {
      callback?.(new Error('the container relay is gone'));
      return false;
    }
    return this.socket.write(`${JSON.stringify(message)}\n`, (error) => callback?.(error ?? null));
  }

  close(): void {
    this.socket.destroy();
  }
}
