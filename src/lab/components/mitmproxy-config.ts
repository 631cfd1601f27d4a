import { fileURLToPath } from 'node:url';

/**
 * The addon in this package (src/ or dist/lab/components are three levels below the root). The run
 * copies it into its own folder and loads that copy, so an image built before an addon change
 * still runs the harness's addon (the image's copy only proves at build time that it loads).
 */
export const MITMPROXY_ADDON_SOURCE = fileURLToPath(new URL('../../../containers/mitmproxy/interceptor_addon.py', import.meta.url));

export interface MitmdumpInput {
  /** The gateway as the interceptor's container reaches it: its container name and port on the run network. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** The gateway's name: SNI, and the name checked in its certificate. */
  readonly upstreamServername: string;
  /** The lab root: mitmdump checks the real gateway with it, as a corporate inspection proxy does. */
  readonly upstreamCaFile: string;
  /** Where to listen inside the container (every interface of its own namespace, published on the host's 127.0.0.1). */
  readonly bind: { readonly host: string; readonly port: number };
  /** mitmproxy's confdir: the interception CA as mitmproxy-ca.pem (0700, in the lab's PKI folder). */
  readonly confDir: string;
  /** Key and leaf certificate for the gateway's name, issued by the interception CA (0600). */
  readonly leafFile: string;
  /** The addon's folder: `mode` (written by the run) and `stats.json` (written by the addon). */
  readonly stateDir: string;
  /** The run's copy of the addon (MITMPROXY_ADDON_SOURCE), in the mounted run folder. */
  readonly addonFile: string;
  /** mitmdump's output goes here (the container's main process is a shell that execs it). */
  readonly logFile: string;
}

/**
 * The container command: mitmdump in reverse mode to the gateway, with our addon. keep_host_header:
 * a man-in-the-middle does not rewrite the Host header; connection_strategy lazy: the gateway is
 * only dialled after the client's handshake, as the builtin interceptor does (so clients that
 * refuse the interceptor never reach the gateway). No client_certs option: the one thing an
 * interceptor cannot forward is the client's identity.
 */
export function mitmdumpCommand(input: MitmdumpInput): string[] {
  const args = [
    'mitmdump',
    '--mode',
    `reverse:https://${input.upstream.host}:${input.upstream.port}`,
    '--listen-host',
    input.bind.host,
    '--listen-port',
    String(input.bind.port),
    '--set',
    `confdir=${input.confDir}`,
    '--certs',
    `*=${input.leafFile}`,
    '--set',
    `ssl_verify_upstream_trusted_ca=${input.upstreamCaFile}`,
    '--set',
    'keep_host_header=true',
    '--set',
    'connection_strategy=lazy',
    '--set',
    'flow_detail=0',
    '-s',
    input.addonFile,
    '--set',
    `mtls_chaos_state_dir=${input.stateDir}`,
    '--set',
    `mtls_chaos_upstream_sni=${input.upstreamServername}`,
  ];
  // "$0" is the log file: no quoting of paths into a shell string.
  return ['sh', '-c', 'exec "$@" >>"$0" 2>&1', input.logFile, ...args];
}
