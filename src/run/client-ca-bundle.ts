import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabPki } from '../pki/index.js';
import type { Scenario } from '../scenario/index.js';

/** The file in the run's report folder that the team adds to their gateway's client CA bundle. */
export const CLIENT_CA_BUNDLE_FILE = 'client-ca.pem';

/**
 * For a gateway the team runs (lab.gateway.kind external): writes the CA the run's client
 * certificates chain to (certificates only, never a key) into the report folder and says where,
 * so the team knows what their gateway must trust. With pki.issuer it is their own CA, already
 * trusted; with the lab PKI it is a new root every run (README, "Game day on your own gateway").
 */
export async function writeClientCaBundle(scenario: Scenario, pki: LabPki, reportDir: string, log: (line: string) => void): Promise<string | undefined> {
  if (scenario.lab.gateway.kind !== 'external') return undefined;
  await mkdir(reportDir, { recursive: true });
  const file = join(reportDir, CLIENT_CA_BUNDLE_FILE);
  await writeFile(file, pki.root.certificate.pem, { mode: 0o644 });
  log(
    scenario.pki.issuer
      ? `client certificates issued by ${pki.root.name} (pki.issuer); its certificate: ${file}`
      : `client certificates chain to this run's new lab root: your gateway must trust ${file} (a new root every run; pki.issuer keeps one)`,
  );
  return file;
}
