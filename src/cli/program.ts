import { Command } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { addHelpExamples } from './help-examples.js';
import { benchCommand } from './bench-command.js';
import { cleanupCommand } from './cleanup-command.js';
import { exportCommand } from './export-command.js';
import { importCommand } from './import-command.js';
import { initCommand } from './init-command.js';
import { compareCommand } from './compare-command.js';
import { doctorCommand } from './doctor-command.js';
import { listCommand } from './list-command.js';
import { loadCommand } from './load-command.js';
import { probeCommand } from './probe-command.js';
import { pkiCommand } from './pki-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { validateCommand } from './validate-command.js';


/** The whole command tree; main.ts runs it, tests can inspect it. */
export function buildProgram(): Command {
  const program = new Command('mtls-chaos')
    .description('chaos and load testing for mutual TLS: disposable labs, handshake load, faults, SLO verdicts')
    .version(TOOL_VERSION)
    .option('--debug', 'print stack traces of errors', false)
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(initCommand());
  program.addCommand(runCommand());
  program.addCommand(validateCommand());
  program.addCommand(listCommand());
  program.addCommand(probeCommand());
  program.addCommand(loadCommand());
  program.addCommand(benchCommand());
  program.addCommand(pkiCommand());
  program.addCommand(schemaCommand());
  program.addCommand(cleanupCommand());
  program.addCommand(exportCommand());
  program.addCommand(importCommand());
  program.addCommand(reportCommand());
  program.addCommand(compareCommand());
  program.addCommand(doctorCommand());
  addHelpExamples(program);
  return program;
}
