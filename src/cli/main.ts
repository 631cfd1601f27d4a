#!/usr/bin/env node
import { CommanderError, type Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { formatError } from './format-error.js';
import { buildProgram } from './program.js';

const program = buildProgram();
// Commander exits with 1 on bad flags; bad input is exit 2 everywhere in this tool.
const overrideExit = (command: Command): void => {
  command.exitOverride();
  command.commands.forEach(overrideExit);
};
overrideExit(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.InvalidInput;
  } else {
    const debug = process.argv.includes('--debug');
    process.stderr.write(`${formatError(error, debug)}\n`);
    process.exitCode = ExitCode.InvalidInput;
  }
}
