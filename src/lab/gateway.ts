import type { ErrorCategory } from '../metrics/error-category.js';
import type { ComponentOptions } from './component-options.js';
import type { CpuUsageReading } from '../metrics/index.js';
import type { GatewayConfigTemplate } from './own-config/gateway-config-template.js';

export interface GatewayOcspSpec {
  /** off: no check; hard-fail: no usable answer refuses the client; soft-fail: lets it in. */
  readonly mode: 'off' | 'hard-fail' | 'soft-fail';
  /** How long an answer is reused (nginx has no such knob: it caches until nextUpdate). */
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  /** Like nginx ssl_ocsp_responder; the lab's own responder when omitted, else the certificate's AIA. */
  readonly responderUrl?: string;
}

/** Which gateway runs: one of the registered kinds (gateway-kinds/registry.ts). */
export type { GatewayKind } from './gateway-kinds/registry.js';
import type { GatewayKind } from './gateway-kinds/registry.js';

export interface GatewaySpec {
  readonly kind: GatewayKind;
  /** Defaults to gateway-<kind>. */
  readonly name?: string;
  /**
   * The team's own config file (nginx or haproxy) in place of the generated one, with
   * {{placeholders}} the lab fills (own-config/gateway-config-template.ts); resolved against the
   * scenario's folder when the scenario is loaded.
   */
  readonly config?: string;
  /** Client-certificate OCSP checking, like nginx ssl_ocsp (not haproxy: CRLs only). */
  readonly ocsp?: GatewayOcspSpec;
  /** Check client certificates against the CAs' CRLs (nginx ssl_crl, haproxy crl-file). */
  readonly crl?: boolean;
  /** nginx only: worker_processes; default 1. */
  readonly workerProcesses?: number;
  /**
   * haproxy only: how it refuses a client certificate. http (default): `verify optional` and a 495
   * with x-mtls-chaos-reason; alert: `verify required`, a TLS alert (components/haproxy-config.ts).
   */
  readonly rejectWith?: 'http' | 'alert';
  /** How many replicas (1..8, default 1); more than one needs LabSpec.balancer. Named <name>-1..N. */
  readonly replicas?: number;
  /** Node only: authorize verified clients by SAN; refused clients get 403 (forbidden). */
  readonly authorization?: GatewayAuthorization;
  /** External only: host:port of the gateway the team runs. */
  readonly address?: string;
  /** External only: SNI and the name its server certificate is checked against (default the host). */
  readonly servername?: string;
  /** External only: the PEM bundle that verifies its server certificate (absolute once the scenario is loaded). */
  readonly ca?: string;
}

/**
 * Which verified client identities may in: a client passes when one of its URI or DNS SANs is in
 * `allowSans` or starts with one of `allowSanPrefixes` (e.g. "spiffe://example.org/ns/lab/").
 * nginx 1.22 cannot express it: its variables expose the subject DN ($ssl_client_s_dn), not SANs.
 */
export interface GatewayAuthorization {
  readonly allowSans?: readonly string[];
  readonly allowSanPrefixes?: readonly string[];
}

/** What startLab gives every gateway kind: the files to serve and check clients with. */
export interface GatewayOptions extends ComponentOptions {
  readonly files: {
    readonly certificateChain: string;
    readonly key: string;
    readonly trustBundle: string;
    readonly crl?: string;
  };
  readonly ocsp?: GatewayOcspSpec;
  /** What clients should trust for the server (the lab root). */
  readonly caPem: string;
  readonly authorization?: GatewayAuthorization;
  /**
   * nginx and haproxy: the team's own config (lab.gateway.config) in place of the generated one,
   * its placeholders filled from `files`, `ocspResponderUrl` and the port (own-config/gateway-config-template.ts).
   */
  readonly ownConfig?: GatewayConfigTemplate;
  /** The lab's OCSP responder as the gateway reaches it, for {{ocsp_responder}} whatever ocsp.mode says. */
  readonly ocspResponderUrl?: string;
  /** Node only: also listen for plain HTTP on 127.0.0.1 (behind lab.tlsTerminator), trusting only identities signed with this secret. */
  readonly identityBackend?: { readonly secretFile: string };
}

/**
 * What a gateway accepts in the handshake; omitted fields are the gateway's defaults (TLS 1.2 and
 * 1.3, OpenSSL's default ciphers and signature algorithms). OpenSSL syntax: Node's `ciphers` and
 * `sigalgs` options, nginx's ssl_protocols, ssl_ciphers and ssl_conf_command.
 */
export interface GatewayTlsPolicy {
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** TLS 1.2 cipher list, e.g. "ECDHE-ECDSA-AES256-GCM-SHA384". */
  readonly ciphers?: string;
  /** TLS 1.3 cipher suites, e.g. "TLS_AES_256_GCM_SHA384". */
  readonly ciphersuites?: string;
  /** Signature algorithms, e.g. "ECDSA+SHA384". */
  readonly sigalgs?: string;
}

/** The PEM material a gateway can swap without a restart; omitted parts stay as they are. */
export interface GatewayReloadFiles {
  readonly certificateChainPem?: string;
  readonly keyPem?: string;
  readonly trustBundlePem?: string;
  readonly crlPem?: string;
  /** A new TLS policy, replacing the previous one entirely ({} = the defaults again). */
  readonly tlsPolicy?: GatewayTlsPolicy;
}

export interface StartedGateway {
  readonly name: string;
  readonly kind: GatewayKind;
  /** 127.0.0.1 for every gateway the lab starts; an external gateway's own host. */
  readonly host: string;
  readonly port: number;
  /** The name to send as SNI and to check the server certificate against. */
  readonly servername: string;
  /** Node gateway with GatewayOptions.identityBackend: its plain-HTTP backend port on 127.0.0.1. */
  readonly backendPort?: number;
  /** What clients should trust for the server (the lab root). */
  readonly caPem: string;
  /** The gateway's processes, for CPU sampling (nginx: master and workers). */
  pids(): number[];
  /** The docker runtime: the gateway's CPU from the Docker stats API (its container's cgroup). */
  cpuUsage?(): CpuUsageReading | undefined;
  /** Hot reload: new certificate, key, trust bundle or CRL, same processes (nginx: same master). */
  reload(files?: GatewayReloadFiles): Promise<void>;
  /**
   * The gateway's own reason for client-certificate rejections logged at or after `sinceMs`
   * (epoch ms), the latest one; for gateways whose HTTP answer is not specific (nginx's 400).
   */
  rejectionReasonSince?(sinceMs: number): Promise<ErrorCategory | undefined>;
  stop(): Promise<void>;
}
