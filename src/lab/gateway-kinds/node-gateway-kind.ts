import { z } from 'zod';
import { startNodeGateway } from '../components/node-gateway.js';
import { defineGatewayKind } from './gateway-kind.js';

/** Our own Node TLS server: every ability, no program to install. */
export const nodeGatewayKind = defineGatewayKind({
  kind: 'node',
  description: 'our own TLS server (Node), needs nothing else',
  abilities: {
    ed25519: true,
    clientOcsp: true,
    ocspSoftFail: true,
    sanAuthorization: true,
    signedIdentity: true,
    sigalgs: true,
    ownConfig: 'the node gateway has no configuration file of its own; lab.gateway.config is for nginx and haproxy',
    labOwnsGateway: true,
  },
  options: z.strictObject({}),
  binaries: [],
  image: { name: 'mtls-chaos/node:latest', use: 'the node gateway, the builtin OCSP responder, fault proxies, the interceptor' },
  preflight: () => {},
  start: (_spec, options) => startNodeGateway(options),
});
