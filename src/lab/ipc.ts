import type { EventEmitter } from 'node:events';
import { LabError } from './lab-error.js';

/**
 * The control channel between the lab (parent) and a Node component (child), over the IPC
 * channel `fork` opens. A child says `ready` once, with the port it bound itself (port 0: no
 * free-port race); after that the parent sends requests and the child replies to each by id.
 */
export type ChildMessage =
  | { readonly kind: 'ready'; readonly port: number }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value?: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly message: string };

export interface ParentRequest {
  readonly kind: 'request';
  readonly id: number;
  readonly type: string;
  readonly payload?: unknown;
}

/** A forked child's IPC channel, or the same shape over a container relay's socket. */
export interface IpcChannel extends EventEmitter {
  readonly connected: boolean;
  send(message: ParentRequest, callback: (error: Error | null) => void): boolean;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The parent's side: requests with replies, each with a timeout. */
export class IpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly child: IpcChannel,
    private readonly componentName: string,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message?.kind !== 'reply') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new LabError('E_LAB_IPC', `${componentName}: ${message.message}`));
    });
    child.on('exit', () => this.failAll('the process exited'));
  }

  /** Resolves with the `ready` message's port, or never (the caller races it against exit and a timeout). */
  ready(): Promise<number> {
    return new Promise((resolve) => {
      const onMessage = (message: ChildMessage) => {
        if (message?.kind !== 'ready') return;
        this.child.off('message', onMessage);
        resolve(message.port);
      };
      this.child.on('message', onMessage);
    });
  }

  request<T = unknown>(type: string, payload?: unknown, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<T> {
    if (!this.child.connected) {
      return Promise.reject(new LabError('E_LAB_STOPPED', `${this.componentName} is not running`));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LabError('E_LAB_IPC', `${this.componentName} did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: ParentRequest = { kind: 'request', id, type, payload };
      this.child.send(request, (error) => {
        if (error) this.pending.get(id)?.reject(new LabError('E_LAB_IPC', `${this.componentName}: ${error.message}`, { cause: error }));
      });
    });
  }

  private failAll(reason: string): void {
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(new LabError('E_LAB_IPC', `${this.componentName}: ${reason}`));
    }
  }
}

export type RequestHandler = (payload: unknown) => unknown | Promise<unknown>;

/**
 * The child's side: answers requests with `handlers`, and exits when the parent goes away (the
 * IPC channel closes), so that a crashed harness does not leave gateways listening.
 */
export function serveParentRequests(handlers: Record<string, RequestHandler>): void {
  process.on('message', (message: ParentRequest) => {
    if (message?.kind !== 'request') return;
    const handler = handlers[message.type];
    const reply = (value: ChildMessage) => process.send?.(value);
    if (!handler) {
      reply({ kind: 'reply', id: message.id, ok: false, message: `unknown request "${message.type}"` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.payload))
      .then(
        (value) => reply({ kind: 'reply', id: message.id, ok: true, value }),
        (error: unknown) =>
          reply({ kind: 'reply', id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

export function reportReady(port: number): void {
  const message: ChildMessage = { kind: 'ready', port };
  process.send?.(message);
}
