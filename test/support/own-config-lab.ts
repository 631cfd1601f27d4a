import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { startOcspResponder, type StartedOcspResponder } from '../../src/lab/components/ocsp-responder.js';
import type { GatewayOptions } from '../../src/lab/gateway.js';
import { startHaproxyGateway, startNginxGateway, type StartedGateway } from '../../src/lab/index.js';
import type { Runtime } from '../../src/lab/runtime.js';
import { readGatewayConfigTemplate } from '../../src/lab/own-config/gateway-config-template.js';
import { issueCrl, writeLabPki, type LabPki, type LabPkiFiles } from '../../src/pki/index.js';

/** The server block a team would run in production, with the lab's placeholders (lab.gateway.config). */
export const PRODUCTION_STYLE_SERVER_BLOCK = `# team-nginx.conf: our edge, as deployed
server {
    listen {{listen}} ssl;
    server_name localhost;
    ssl_certificate {{server_certificate}};
    ssl_certificate_key {{server_key}};
    ssl_client_certificate {{client_ca}};
    ssl_verify_client on;
    ssl_verify_depth 2;
    ssl_ocsp leaf;
    ssl_ocsp_responder {{ocsp_responder}};
    ssl_ocsp_cache shared:x:1m;

    location / {
        proxy_set_header X-SSL-Client-Verify $ssl_client_verify;
        proxy_set_header X-SSL-Client-S-DN $ssl_client_s_dn;
        proxy_pass http://{{upstream}};
    }
}
`;

/** The gateways that run a team's own config, and the name the team's file has in their tests. */
const OWN_CONFIG_GATEWAYS = {
  nginx: { start: startNginxGateway, configFileName: 'team-nginx.conf' },
  haproxy: { start: startHaproxyGateway, configFileName: 'team-gateway.cfg' },
} satisfies Record<string, { start(options: GatewayOptions): Promise<StartedGateway>; configFileName: string }>;

export interface OwnConfigLab {
  /** The test's temp folder (the docker runtime's work folder, when it runs there). */
  readonly workDir: string;
  /** The gateway's folder: its prefix, config and logs. */
  readonly gatewayDir: string;
  readonly files: LabPkiFiles;
  /** A CRL of the intermediate and the root, as issued when the lab was made ({{crl}} when started with `crl`). */
  readonly crlFile: string;
  /** The team's file, as the scenario would name it. */
  readonly configFile: string;
  /** The lab's OCSP responder for the intermediate, stopped when the test ends. */
  startResponder(): Promise<StartedOcspResponder>;
  start(extra?: { readonly ocspResponderUrl?: string; readonly crl?: boolean }): Promise<StartedGateway>;
}

/**
 * The lab PKI, its CRL and a team's config `text` in a temp folder, and the `kind` gateway's start
 * as startLab will call it with lab.gateway.config; everything started is stopped, and the folder
 * removed, when the test ends. `runtime` needs `workDir` as its work folder: pass a factory.
 */
export async function ownConfigLab(
  kind: keyof typeof OWN_CONFIG_GATEWAYS,
  pki: LabPki,
  text: string,
  options: { readonly runtime?: (workDir: string) => Promise<Runtime & { close?(): Promise<void> }> } = {},
): Promise<OwnConfigLab> {
  const gatewayKind = OWN_CONFIG_GATEWAYS[kind];
  const workDir = await mkdtemp(join(tmpdir(), `mtls-chaos-own-${kind}-`));
  const stops: (() => Promise<void>)[] = [];
  onTestFinished(async () => {
    for (const stop of stops.reverse()) await stop();
    await rm(workDir, { recursive: true, force: true });
  });
  const runtime = options.runtime ? await options.runtime(workDir) : undefined;
  if (runtime?.close) stops.push(() => runtime.close!());
  const files = await writeLabPki(pki, join(workDir, 'lab'));
  const crlFile = join(workDir, 'crl.pem');
  await writeFile(crlFile, issueCrl(pki.intermediate).pem + issueCrl(pki.root).pem);
  const configFile = join(workDir, gatewayKind.configFileName);
  await writeFile(configFile, text);
  const ownConfig = await readGatewayConfigTemplate(configFile);
  const gatewayDir = join(workDir, 'gateway');
  const signal = () => AbortSignal.timeout(60_000);
  return {
    workDir,
    gatewayDir,
    files,
    crlFile,
    configFile,
    startResponder: async () => {
      const dir = join(workDir, 'ocsp');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const responder = await startOcspResponder({
        name: 'ocsp-builtin',
        dir,
        issuer: pki.intermediate,
        issuerCertificateFile: files.intermediateCertificate,
        issuerKeyFile: files.intermediateKey,
        signal: signal(),
        ...(runtime ? { runtime } : {}),
      });
      stops.push(() => responder.stop());
      return responder;
    },
    start: async (extra = {}) => {
      const gateway = await gatewayKind.start({
        name: `gateway-${kind}`,
        dir: gatewayDir,
        files: {
          certificateChain: files.servers[0]!.certificate,
          key: files.servers[0]!.key,
          trustBundle: files.trustBundle,
          ...(extra.crl ? { crl: crlFile } : {}),
        },
        caPem: pki.root.certificate.pem,
        signal: signal(),
        ownConfig,
        ...(extra.ocspResponderUrl ? { ocspResponderUrl: extra.ocspResponderUrl } : {}),
        ...(runtime ? { runtime } : {}),
      });
      stops.push(() => gateway.stop());
      return gateway;
    },
  };
}
