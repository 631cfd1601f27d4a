import { z } from 'zod';
import { HAPROXY_REJECT_MODES, assertHaproxySupports } from '../components/haproxy-config.js';
import { findHaproxy, startHaproxyGateway } from '../components/haproxy-gateway.js';
import { assertHaproxyOwnConfigUsable } from '../components/haproxy-own-config.js';
import { defineGatewayKind } from './gateway-kind.js';

const options = z.strictObject({
  rejectWith: z
    .enum(HAPROXY_REJECT_MODES, { error: (issue) => `expected one of "http", "alert", got ${JSON.stringify(issue.input)}` })
    .optional()
    .meta({
      description:
        'haproxy gateway only: how it refuses a client certificate. http (default): verify optional, then HTTP 495/496 naming the reason in x-mtls-chaos-reason; alert: verify required, the handshake ends with a TLS alert naming the reason.',
    }),
});

/** The haproxy binary (2.2+, master-worker) locally or the mtls-chaos/haproxy image in docker. */
export const haproxyGatewayKind = defineGatewayKind({
  kind: 'haproxy',
  description: 'the haproxy binary (2.2+, master-worker) with a generated config, or the team\'s own (lab.gateway.config)',
  abilities: {
    ed25519: true,
    clientOcsp: 'haproxy checks client certificates against CRLs only (use crl: true), never OCSP',
    ocspSoftFail: 'haproxy checks client certificates against CRLs only (use crl: true), never OCSP',
    sanAuthorization: 'haproxy 2.6 has no sample fetch for a client certificate\'s SANs',
    signedIdentity: 'haproxy cannot verify a signed identity header (x-ssl-client-cert)',
    sigalgs: 'haproxy 2.6 has no signature-algorithm bind keyword (2.8 has)',
    ownConfig: true,
    labOwnsGateway: true,
  },
  options,
  ownConfig: {
    inspect: (template) => {
      const facts = assertHaproxyOwnConfigUsable(template);
      return { clientOcsp: false, crl: facts.crl };
    },
    directives: { clientOcsp: 'an OCSP check of client certificates (haproxy 2.6 has none)', crl: 'crl-file {{crl}} on the bind' },
  },
  binaries: [{ name: 'haproxy', fallbacks: ['/usr/sbin/haproxy'], fix: 'apt-get install haproxy' }],
  image: { name: 'mtls-chaos/haproxy:latest', use: 'the haproxy gateway and the haproxy balancer' },
  preflight: (spec, runtime) => {
    if (runtime === 'local') findHaproxy();
    assertHaproxySupports(spec);
  },
  start: (spec, startOptions) => startHaproxyGateway({ ...startOptions, ...(spec.rejectWith ? { rejectWith: spec.rejectWith } : {}) }),
});
