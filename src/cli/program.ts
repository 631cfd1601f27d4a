import { Command } from 'commander';
import { pkiCommand } from './pki-command.js';

export const VERSION = '0.1.0';

/** The whole command tree; main.ts runs it, tests can inspect it. */
export function buildProgram(): Command {
  const program = new Command('mtls-chaos')
    .description('chaos and load testing for mutual TLS: disposable labs, handshake load, faults, SLO verdicts')
    .version(VERSION)
    .option('--debug', 'print stack traces of errors', false)
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(pkiCommand());
  return program;
}
