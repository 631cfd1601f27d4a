import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MtlsChaosError } from '../errors.js';
import { fsErrorReason } from '../fs-error-reason.js';
import { createOutputDir } from '../output-dir.js';
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
      await createOutputDir(dirname(options.out));
      try {
        await writeFile(options.out, text);
      } catch (error) {
        throw new MtlsChaosError('E_SCHEMA_WRITE', `cannot write the schema here: ${fsErrorReason(error)}`, {
          file: options.out,
          hint: 'give --out a file path in a folder you can write to',
          cause: error,
        });
      }
      printOut(`wrote the scenario JSON Schema to ${visibleText(options.out)}\n`);
    });
}
