/**
 * contrib/github/plan-comment.yml against the program: the workflow is YAML
 * GitHub can read, each of its shell steps is valid bash, and every
 * `lieutenant` command it runs exists with the flags it passes. GitHub itself
 * is not tested; the markdown it posts is (diff.test.ts, plan-markdown.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from './main.js';
import { captureIo } from './testing.js';

const PATH = fileURLToPath(new URL('../../contrib/github/plan-comment.yml', import.meta.url));
const workflow = parse(await readFile(PATH, 'utf8')) as {
  on: { pull_request: { paths: string[] } };
  jobs: Record<string, { steps: Array<{ run?: string }> }>;
};
const scripts = Object.values(workflow.jobs).flatMap((job) =>
  job.steps.flatMap((step) => (step.run ? [step.run] : [])),
);
const program = buildProgram({
  io: captureIo(),
  cwd: process.cwd(),
  signal: new AbortController().signal,
  forceSignal: new AbortController().signal,
  setExitCode: () => undefined,
});

describe('contrib/github/plan-comment.yml', () => {
  it('runs on pull requests that touch the specs', () => {
    expect(workflow.on.pull_request.paths).toEqual(['playbooks/**', 'inventories/**']);
  });

  it('has shell steps that bash accepts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const script of scripts) {
      const checked = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(checked.stderr, script).toBe('');
      expect(checked.status).toBe(0);
    }
  });

  it('runs only lieutenant commands and flags that exist', () => {
    const calls = scripts.flatMap((script) => [...script.matchAll(/\blieutenant (\w+)([^\n|]*)/g)]);
    expect(calls.map((call) => call[1])).toEqual(expect.arrayContaining(['diff', 'plan']));
    for (const [, name, rest] of calls) {
      const command = program.commands.find((c) => c.name() === name);
      expect(command, `lieutenant ${name}`).toBeDefined();
      const flags = [...(rest ?? '').matchAll(/(--[a-z-]+)/g)].map((m) => m[1]);
      const known = command?.options.map((option) => option.long) ?? [];
      for (const flag of flags) expect(known, `lieutenant ${name} ${flag}`).toContain(flag);
    }
  });
});
