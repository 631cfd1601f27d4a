import { z } from 'zod';
import { assertNginxSupports } from '../components/nginx-config.js';
import { findNginx, startNginxGateway } from '../components/nginx-gateway.js';
import { assertNginxOwnConfigRunnable } from '../components/nginx-own-config.js';
import { LabError } from '../lab-error.js';
import { defineGatewayKind } from './gateway-kind.js';

const NO_SANS = 'nginx 1.22 exposes the client subject DN ($ssl_client_s_dn), not its SANs';

/** The nginx binary (local) or the mtls-chaos/nginx image (docker), with a generated or the team's own config. */
export const nginxGatewayKind = defineGatewayKind({
  kind: 'nginx',
  description: 'the nginx binary with a generated config, or the team\'s own (lab.gateway.config)',
  abilities: {
    ed25519: true,
    clientOcsp: true,
    ocspSoftFail: 'nginx ssl_ocsp is hard-fail only',
    sanAuthorization: NO_SANS,
    signedIdentity: 'nginx cannot verify a signed identity header (x-ssl-client-cert) without njs or lua',
    sigalgs: true,
    ownConfig: true,
    labOwnsGateway: true,
  },
  options: z.strictObject({}),
  ownConfig: {
    inspect: (template) => {
      const facts = assertNginxOwnConfigRunnable(template);
      return { clientOcsp: facts.ocsp, crl: facts.crl };
    },
    directives: { clientOcsp: 'ssl_ocsp leaf (or on) with ssl_ocsp_responder {{ocsp_responder}}', crl: 'ssl_crl {{crl}}' },
  },
  binaries: [{ name: 'nginx', fallbacks: ['/usr/sbin/nginx'], fix: 'apt-get install nginx' }],
  image: { name: 'mtls-chaos/nginx:latest', use: 'the nginx gateway' },
  preflight: (spec, runtime) => {
    if (runtime === 'local') findNginx();
    assertNginxSupports(spec.ocsp);
    if (spec.authorization) {
      throw new LabError('E_LAB_NGINX_CONFIG', `nginx cannot authorize clients by SAN: ${NO_SANS}`, {
        path: ['lab', 'gateway', 'authorization'],
        hint: 'use the node gateway for SAN allow-lists',
      });
    }
  },
  start: (spec, options) => startNginxGateway({ ...options, ...(spec.workerProcesses ? { workerProcesses: spec.workerProcesses } : {}) }),
});
