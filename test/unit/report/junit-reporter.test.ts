import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JunitReporter, failureMessage, renderJunit } from '../../../src/report/index.js';
import { parseXml } from '../../support/parse-xml.js';
import { abortedRunResult, fixtureRunResult, recoveredRunResult } from './fixtures/run-result.js';

describe('junit.xml', () => {
  it('matches the pinned junit.xml of the fixture run', async () => {
    await expect(renderJunit(fixtureRunResult())).toMatchFileSnapshot('./__snapshots__/junit.xml');
  });

  it('has one testcase per SLO; a breached one fails with target and measured value', () => {
    const root = parseXml(renderJunit(fixtureRunResult()));
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '5', failures: '2', errors: '0' });
    const suite = root.children.find((child) => child.name === 'testsuite')!;
    const cases = suite.children.filter((child) => child.name === 'testcase');
    expect(cases.map((testcase) => testcase.attributes['name'])).toEqual([
      'handshake.p95 < 150ms (whole run)',
      'success.rate >= 99.9% (baseline phase)',
      'success.rate >= 99.9% (fault phase)',
      'gateway.cpu.p95 < 80% | custom (whole run)',
      'recovery.time < 30s (recovery phase)',
    ]);
    const failures = cases.flatMap((testcase) => testcase.children.filter((child) => child.name === 'failure'));
    expect(failures.map((failure) => failure.attributes['message'])).toEqual([
      'target success.rate >= 99.9%, measured 70%',
      'target recovery.time < 30 s, measured: no data (recovery time is not measured yet (it comes with faults); this SLO cannot pass until then)',
    ]);
    expect(cases[0]!.children).toEqual([]);
  });

  it('escapes what a scenario can put in names, and writes out characters XML cannot hold', () => {
    const result = fixtureRunResult();
    const hostile = { ...result, scenario: { ...result.scenario, name: `a"<b>&'\u0001c\u001b[2J\uffff\ud800\u0085` } };
    const xml = renderJunit(hostile);
    const root = parseXml(xml);
    expect(root.children[0]!.attributes['name']).toBe(`mtls-chaos.a"<b>&'\\x01c\\x1b[2J\\uffff\\ud800\\x85`);
    // Nothing XML 1.0 forbids (C0 but tab, LF, CR; U+FFFE/U+FFFF; lone surrogates), raw or as a reference.
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|&#(x0*[0-8bcef]|x0*1[0-9a-f]|0*([0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));/i);
  });

  it('adds a testcase in error when the run did not complete', () => {
    const aborted = { ...fixtureRunResult(), status: 'aborted' as const };
    const suite = parseXml(renderJunit(aborted)).children[0]!;
    expect(suite.attributes['errors']).toBe('1');
    const run = suite.children.find((child) => child.attributes['name'] === 'run completed')!;
    expect(run.children[0]).toMatchObject({
      name: 'error',
      attributes: { message: 'the run was aborted after 30s: the SLO testcases judge only what it measured until then', type: 'RUN_ABORTED' },
    });
  });

  it('turns an aborted run red by its error testcase even when every SLO it judged was met', () => {
    const suite = parseXml(renderJunit(abortedRunResult())).children[0]!;
    expect(suite.attributes).toMatchObject({ tests: '4', failures: '0', errors: '1' });
    const run = suite.children.find((child) => child.attributes['name'] === 'run completed')!;
    expect(run.children[0]!.attributes['type']).toBe('RUN_ABORTED');
  });

  it('says "< 1 s" for a recovery known to one second, and seconds above it', () => {
    const slo = (timeMs: number) => recoveredRunResult(timeMs).slos.find((verdict) => verdict.metric === 'recovery.time')!;
    expect(failureMessage({ ...slo(1), threshold: 0, passed: false })).toBe('target recovery.time < 0 ms, measured < 1 s');
    expect(failureMessage({ ...slo(31_250), passed: false })).toBe('target recovery.time < 30 s, measured 31.3 s');
  });

  it('is written as junit.xml in the run folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-junit-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const path = await new JunitReporter().write(fixtureRunResult(), dir);
    expect(path).toBe(join(dir, 'junit.xml'));
    expect(parseXml(await readFile(path, 'utf8')).name).toBe('testsuites');
  });
});
