import { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MtlsChaosError } from '../errors.js';
import { scenarioJsonSchemaText } from '../scenario/index.js';
import { printOut } from './print.js';
import { visibleText } from '../visible-text.js';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema of scenario files (for editors: yaml-language-server, VS Code)')
    .option('--out <file>', 'write the schema to this file instead of stdout')
    .action(async (options: { out?: string }) => {
      const text = scenarioJsonSchemaText();
      if (!options.out) {
        printOut(text);
        return;
      }
      try {
        await mkdir(dirname(options.out), { recursive: true });
        await writeFile(options.out, text);
      } catch (error) {
        throw new MtlsChaosError('E_SCHEMA_WRITE', `cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
          file: options.out,
          cause: error,
        });
      }
      printOut(`wrote the scenario JSON Schema to ${visibleText(options.out)}\n`);
    });
}
