import { Command } from 'commander';
import { appendFile, lstat, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { fsErrorReason } from '../fs-error-reason.js';
import { createOutputDir } from '../output-dir.js';
import { printOut } from './print.js';
import { visibleText } from '../visible-text.js';

/** The package's templates/init/ folder: this file sits at src/cli/ or dist/cli/, two levels below the root. */
const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/init/', import.meta.url));

/** The starter files, each from its template; the two drills are the ones the README runs. */
const STARTER_FILES = ['my-drill.yaml', 'my-drill.ts', 'README.md'] as const;

/** The line the starter .gitignore needs (template: templates/init/gitignore, as npm leaves a .gitignore out of a package). */
const REPORTS_IGNORE = 'reports/';

export function initCommand(): Command {
  return new Command('init')
    .description('write a starter folder: a drill in YAML, one in TypeScript, a README on running them in CI, a .gitignore for reports')
    .argument('[dir]', 'folder to write into (created if missing)', '.')
    .option('--force', 'replace starter files that already exist', false)
    .action(async (dir: string, options: { force: boolean }) => {
      await writeStarterFolder(dir, options.force);
    });
}

async function writeStarterFolder(dir: string, force: boolean): Promise<void> {
  const targets = STARTER_FILES.map((name) => join(dir, name));
  if (!force) {
    const existing = (await Promise.all(targets.map(async (target) => ((await exists(target)) ? target : undefined)))).filter((target) => target !== undefined);
    const [first, ...others] = existing;
    if (first !== undefined) {
      throw new UsageError('E_INIT_EXISTS', `already exists${others.length ? ` (so do ${others.join(', ')})` : ''}; init writes only new files`, {
        file: first,
        hint: `pass --force to replace the starter files, or give init another folder (\`mtls-chaos init my-drills\`)`,
      });
    }
  }
  await createOutputDir(dir, { hint: 'give init a folder you can write to (it is created if missing), not an existing file' });
  for (const name of STARTER_FILES) {
    const target = join(dir, name);
    await writeStarterFile(target, await readFile(join(TEMPLATE_DIR, name), 'utf8'), force);
    printOut(`wrote ${visibleText(target)}\n`);
  }
  const gitignore = join(dir, '.gitignore');
  printOut(`${await ignoreReports(gitignore)} ${visibleText(gitignore)}\n`);
  const cd = relative(process.cwd(), dir);
  printOut(
    '\nnext steps:\n' +
      (cd ? `  cd ${visibleText(cd)}\n` : '') +
      '  npx mtls-chaos validate my-drill.yaml my-drill.ts   # check them, start nothing\n' +
      '  npx mtls-chaos run my-drill.yaml                    # a 15 s drill on this machine; reports in reports/\n' +
      '  README.md shows how to run them in CI (exit 0 SLOs met, 1 breached, 2 bad input)\n',
  );
}

/** `wx` unless --force: a file that appears between the check and the write is not replaced either. */
async function writeStarterFile(target: string, text: string, force: boolean): Promise<void> {
  try {
    await writeFile(target, text, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    throw new UsageError((error as NodeJS.ErrnoException).code === 'EEXIST' ? 'E_INIT_EXISTS' : 'E_CLI_FILE', `cannot write it: ${fsErrorReason(error)}`, {
      file: target,
      hint: 'give init a folder you can write to; --force replaces starter files that exist',
      cause: error,
    });
  }
}

/**
 * A folder inside a repository usually has a .gitignore already (the repository's own, at its
 * root): the reports line is added to it rather than the file refused or replaced.
 */
async function ignoreReports(gitignore: string): Promise<string> {
  const template = await readFile(join(TEMPLATE_DIR, 'gitignore'), 'utf8');
  try {
    if (!(await exists(gitignore))) {
      await writeFile(gitignore, template, { flag: 'wx' });
      return 'wrote';
    }
    const current = await readFile(gitignore, 'utf8');
    if (current.split(/\r?\n/).some((line) => ['reports', 'reports/', '/reports', '/reports/'].includes(line.trim()))) return 'kept';
    await appendFile(gitignore, `${current === '' || current.endsWith('\n') ? '' : '\n'}${template}`);
    return `added ${REPORTS_IGNORE} to`;
  } catch (error) {
    throw new UsageError('E_CLI_FILE', `cannot write it: ${fsErrorReason(error)}`, { file: gitignore, hint: 'give init a folder you can write to', cause: error });
  }
}

/** Anything at the path counts, a dangling symbolic link too: init never writes through one. */
async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw new UsageError('E_CLI_FILE', `cannot check it: ${fsErrorReason(error)}`, { file: path, hint: 'give init a folder you can write to', cause: error });
    },
  );
}
