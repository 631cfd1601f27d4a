import type { ErrorCategory } from '../metrics/error-category.js';

export interface GatewayOcspSpec {
  /** off: no check; hard-fail: no usable answer refuses the client; soft-fail: lets it in. */
  readonly mode: 'off' | 'hard-fail' | 'soft-fail';
  /** How long an answer is reused (nginx has no such knob: it caches until nextUpdate). */
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  /** Like nginx ssl_ocsp_responder; the lab's own responder when omitted, else the certificate's AIA. */
  readonly responderUrl?: string;
}

export interface GatewaySpec {
  readonly kind: 'node' | 'nginx';
  /** Defaults to gateway-<kind>. */
  readonly name?: string;
  /** Client-certificate OCSP checking, like nginx ssl_ocsp. */
  readonly ocsp?: GatewayOcspSpec;
  /** Check client certificates against the CAs' CRLs (nginx ssl_crl). */
  readonly crl?: boolean;
  /** nginx only: worker_processes; default 1. */
  readonly workerProcesses?: number;
}

/** The PEM material a gateway can swap without a restart; omitted parts stay as they are. */
export interface GatewayReloadFiles {
  readonly certificateChainPem?: string;
  readonly keyPem?: string;
  readonly trustBundlePem?: string;
  readonly crlPem?: string;
}

export interface StartedGateway {
  readonly name: string;
  readonly kind: 'node' | 'nginx';
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The name to send as SNI and to check the server certificate against. */
  readonly servername: string;
  /** What clients should trust for the server (the lab root). */
  readonly caPem: string;
  /** The gateway's processes, for CPU sampling (nginx: master and workers). */
  pids(): number[];
  /** Hot reload: new certificate, key, trust bundle or CRL, same processes (nginx: same master). */
  reload(files?: GatewayReloadFiles): Promise<void>;
  /**
   * The gateway's own reason for client-certificate rejections logged at or after `sinceMs`
   * (epoch ms), the latest one; for gateways whose HTTP answer is not specific (nginx's 400).
   */
  rejectionReasonSince?(sinceMs: number): Promise<ErrorCategory | undefined>;
  stop(): Promise<void>;
}
