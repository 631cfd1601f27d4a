import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { ScenarioError, validateScenario, type ScenarioInput } from '../../../src/scenario/index.js';

/** A small valid scenario; tests change one thing and look at what validation says. */
export function validInput(): ScenarioInput & Record<string, unknown> {
  return {
    name: 'unit',
    description: 'A unit-test drill.\nBreaks nothing.',
    lab: { gateway: { kind: 'node' } },
    load: { rate: '10/s', duration: '5s' },
    slos: ['success.rate >= 99%'],
  };
}

/** The ScenarioError that validating `input` must raise (the test fails when it is valid or throws anything else). */
export function validationError(input: unknown, file = 'drill.yaml'): ScenarioError {
  try {
    validateScenario(input, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected the scenario to be invalid');
}

/** Each problem of an invalid input as `path: message`. */
export function problemLines(input: unknown): string[] {
  return validationError(input).problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`);
}

/** A temporary folder removed when the test finishes, pass or fail. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-scenario-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function writeTemp(name: string, content: string | Uint8Array): Promise<string> {
  const file = join(await tempDir(), name);
  await writeFile(file, content);
  return file;
}
