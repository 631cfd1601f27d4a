import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { HELP_EXAMPLES, commandPath } from '../../../src/cli/help-examples.js';
import { buildProgram } from '../../../src/cli/program.js';

function everyCommand(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...everyCommand(child)]);
}

describe('--help examples', () => {
  const program = buildProgram();
  const commands = everyCommand(program);

  it('every command ends its --help with examples that call that very command', () => {
    expect(commands.length).toBeGreaterThan(15);
    for (const command of commands) {
      const path = commandPath(command);
      let help = '';
      command.configureOutput({ writeOut: (text) => (help += text) });
      command.outputHelp();
      expect(help, `mtls-chaos ${path} --help`).toMatch(/\nExamples:\n {2}\$ mtls-chaos /);
      for (const line of help.split('\n').filter((text) => text.startsWith('  $ '))) expect(line.startsWith(`  $ mtls-chaos ${path}`), line).toBe(true);
    }
  });

  it('has no examples for a command that does not exist (a renamed command cannot keep stale ones)', () => {
    const paths = new Set(commands.map(commandPath));
    expect(Object.keys(HELP_EXAMPLES).filter((path) => !paths.has(path))).toEqual([]);
  });
});
