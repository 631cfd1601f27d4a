#!/usr/bin/env node
import { CommanderError, type Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { unsettledScenarioError } from '../scenario/index.js';
import { ignoreClosedOutput } from './closed-output.js';
import { runGuarded } from './exit-guard.js';
import { printErr, printOut } from './print.js';
import { buildProgram } from './program.js';

const program = buildProgram();
// Commander exits with 1 on bad flags; bad input is exit 2 everywhere in this tool. Its own
// messages quote the user's arguments ("unknown option '...'"): they print through print.ts too.
const configure = (command: Command): void => {
  command.exitOverride();
  command.configureOutput({ writeOut: printOut, writeErr: printErr });
  command.commands.forEach(configure);
};
configure(program);
ignoreClosedOutput(process.stdout);
ignoreClosedOutput(process.stderr);

runGuarded(
  async () => {
    try {
      await program.parseAsync(process.argv);
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.InvalidInput;
    }
  },
  { debug: process.argv.includes('--debug'), explainUnsettled: unsettledScenarioError },
);
