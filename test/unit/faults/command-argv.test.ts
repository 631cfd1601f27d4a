import { describe, expect, it } from 'vitest';
import { quoteArgv, splitArgv } from '../../../src/faults/command-argv.js';

const argvOf = (line: string) => {
  const split = splitArgv(line);
  if (!split.ok) throw new Error(`expected a split, got: ${split.problem}`);
  return split.argv;
};
const problemOf = (line: string) => {
  const split = splitArgv(line);
  if (split.ok) throw new Error(`expected a refusal, got ${JSON.stringify(split.argv)}`);
  return split.problem;
};

describe('splitArgv: a command line without a shell', () => {
  it('splits on spaces, tabs and newlines, as sh does', () => {
    expect(argvOf('kubectl rollout  restart\tdeployment/gw\n')).toEqual(['kubectl', 'rollout', 'restart', 'deployment/gw']);
  });

  it('keeps single-quoted text as it is, backslashes and double quotes included', () => {
    expect(argvOf(`echo 'a "b" \\n c'`)).toEqual(['echo', 'a "b" \\n c']);
  });

  it('double quotes: \\" and \\\\ are escapes, any other backslash stays', () => {
    expect(argvOf(`printf "say \\"hi\\" \\\\ \\n"`)).toEqual(['printf', 'say "hi" \\ \\n']);
  });

  it('quoted parts and bare parts next to each other make one word; empty quotes an empty word', () => {
    expect(argvOf(`--header='X-Flag: on'x "" end`)).toEqual(['--header=X-Flag: onx', '', 'end']);
  });

  it('a backslash outside quotes makes the next character literal', () => {
    expect(argvOf('touch a\\ b c\\$d')).toEqual(['touch', 'a b', 'c$d']);
  });

  it('shell syntax inside quotes is passed on literally', () => {
    expect(argvOf(`curl 'https://flags/x?on=1&who=$ME' "a|b;c>d"`)).toEqual(['curl', 'https://flags/x?on=1&who=$ME', 'a|b;c>d']);
  });

  it('refuses unbalanced quotes, naming the character', () => {
    expect(problemOf(`echo 'unclosed`)).toBe("unbalanced single quote at character 6: close it with '");
    expect(problemOf('echo "unclosed \\"')).toBe('unbalanced double quote at character 6: close it with "');
  });

  it('refuses shell syntax outside quotes, which would be passed on literally', () => {
    for (const line of ['kill -HUP $PID', 'a | b', 'a && b', 'a; b', 'a > f', 'a < f', 'echo `id`', 'rm x*', '(a)']) {
      expect(problemOf(line), line).toMatch(/is shell syntax, and this command runs without a shell: set shell: true, or quote it/);
    }
  });

  it('refuses a trailing backslash and an empty line', () => {
    expect(problemOf('echo \\')).toBe('a trailing backslash escapes nothing');
    expect(problemOf('  \t ')).toBe('expected a command, got nothing to run');
  });
});

describe('quoteArgv', () => {
  it('shows an argv as a line that splits back into the same argv', () => {
    for (const argv of [['kubectl', 'rollout', 'restart'], ['echo', "it's", 'a b', '$X', ''], ['sh', '-c', 'echo "$A" | tr a b']]) {
      expect(argvOf(quoteArgv(argv))).toEqual(argv);
    }
    expect(quoteArgv(['nginx', '-s', 'reload'])).toBe('nginx -s reload');
  });
});
