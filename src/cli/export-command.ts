import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { exportK6 } from '../k6/index.js';
import { TOOL_VERSION } from '../run/index.js';
import { loadScenario } from '../scenario/index.js';
import { printOut } from './print.js';
import { visibleText } from '../visible-text.js';

/** `export k6`: the drill's load for k6 and the k6-operator, when one machine is not enough. */
export function exportCommand(): Command {
  const exportRoot = new Command('export').description('export a drill for another load engine (k6)');
  exportRoot.addCommand(
    new Command('k6')
      .description('write the drill\'s load as a typed k6 script (tlsAuth, thresholds from the SLOs), its TLS files and k6-operator manifests')
      .argument('<scenario>', 'a scenario file; see `mtls-chaos list`')
      .requiredOption('--out <dir>', 'a new or empty folder for the script, the manifests and the TLS files (it will hold a private key)')
      .option('--parallelism <n>', 'k6-operator runner pods; the rate is split across them', '1')
      .option('--target <url>', 'the gateway origin the script targets, e.g. https://gateway.example:8443 (else MTLS_CHAOS_TARGET at run time)')
      .action(async (file: string, options: { out: string; parallelism: string; target?: string }) => {
        const parallelism = Number(options.parallelism);
        if (!/^\d+$/.test(options.parallelism)) {
          throw new UsageError('E_USAGE_PARALLELISM', `--parallelism: expected a whole number, got "${options.parallelism}"`, { hint: 'e.g. --parallelism 4' });
        }
        const scenario = await loadScenario(file);
        const exported = await exportK6(scenario, {
          outDir: options.out,
          parallelism,
          toolVersion: TOOL_VERSION,
          ...(options.target === undefined ? {} : { target: options.target }),
        });
        printOut(`exported ${scenario.name} for k6 into ${visibleText(exported.dir)}\n`);
        for (const path of exported.files) printOut(`  ${visibleText(path)}\n`);
        printOut(`PRIVATE KEY: ${visibleText(exported.tlsDir)} holds a client private key (folder 0700, key 0600); do not commit or share it\n`);
        const thresholds = exported.translations.filter((t) => t.translated);
        printOut(`thresholds: ${thresholds.length} of ${exported.translations.length} SLOs translated\n`);
        for (const translation of exported.translations) {
          if (translation.translated) {
            const list = translation.thresholds.map((t) => `${t.metric}: ${t.expression}`).join('; ');
            printOut(`  ${visibleText(translation.expression)} -> ${list}${translation.note ? ` (${translation.note})` : ''}\n`);
          } else {
            printOut(`  NOT TRANSLATED ${visibleText(translation.expression)} (${translation.scope}): ${translation.reason}\n`);
          }
        }
        for (const line of exported.untranslatedLoad) printOut(`  NOT REPRODUCED ${visibleText(line)}\n`);
        printOut(`see ${visibleText(exported.dir)}/README.txt to run it with k6 or the k6-operator\n`);
      }),
  );
  return exportRoot;
}
