import { describe, expect, it } from 'vitest';
import { gatewayKinds } from '../../../../src/lab/index.js';
import type { GatewayConfigTemplate } from '../../../../src/lab/own-config/gateway-config-template.js';

const template = (text: string): GatewayConfigTemplate => ({ file: './team.conf', text, sha256: 'not checked here' });

/**
 * What a gateway kind reads from a team's own config (lab.gateway.config) before the run decides
 * whether a fault can act: a placeholder the team commented out is not one the gateway uses.
 */
describe('own-config readers of the gateway kinds', () => {
  it.each([
    {
      kind: 'nginx',
      commented: 'server {\n    listen {{listen}} ssl; # ssl_crl {{crl}}; once we have one\n    # ssl_crl {{crl}};\n}',
      used: 'server {\n    listen {{listen}} ssl;\n    ssl_crl {{crl}};\n}',
    },
    {
      kind: 'haproxy',
      commented: 'frontend fe\n    bind {{listen}} ssl crt {{server_pem}} # crl-file {{crl}} once we have one\n#   bind {{listen}} ssl crt {{server_pem}} crl-file {{crl}}',
      used: 'frontend fe\n    bind {{listen}} ssl crt {{server_pem}} crl-file {{crl}}',
    },
  ])('$kind: {{crl}} inside a # comment (a whole line, or after a directive) does not count', ({ kind, commented, used }) => {
    const reader = gatewayKinds.definition(kind).ownConfig!;
    expect(reader.inspect(template(commented)).crl).toBe(false);
    expect(reader.inspect(template(used)).crl).toBe(true);
  });
});
