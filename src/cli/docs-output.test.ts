/**
 * The command outputs shown in docs/*.md (`<!-- output: … -->` blocks): each
 * command runs on the page's example repo, committed with the subject the
 * block names, and must print exactly what the page shows and exit with the
 * status it states. Only the short SHA is written as a placeholder.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SHORT_SHA_PLACEHOLDER, docFiles, exampleRepos, outputExamples, readDoc } from '../testing/docs-markdown.js';
import { makeSpecRepo, type SpecRepo } from '../spec/testing/spec-repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const repos: SpecRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

const outputs = (
  await Promise.all(
    (await docFiles()).map(async (page) => {
      const markdown = await readDoc(page);
      const examples = exampleRepos(markdown, page);
      return outputExamples(markdown, page).map((output) => ({
        ...output,
        page,
        files: examples.get(output.repo)?.files,
        title: `${page}:${output.line} lieutenant ${output.argv.join(' ')}`,
      }));
    }),
  )
).flat();

describe('the command outputs shown in docs/', () => {
  it('are found (the pages still mark them)', () => {
    expect(outputs.map(({ page, argv }) => `${page} ${argv[0]}`)).toEqual(
      expect.arrayContaining(['getting-started.md validate', 'rollout-repo.md validate', 'rollout-repo.md run']),
    );
  });

  it.concurrent.for(outputs)('$title', async ({ page, line, repo: name, files, subject, argv, exit, expected }) => {
    if (!files) throw new Error(`${page}:${line}: no example repo "${name}" on the page`);
    // Given the page's example repo, committed with the subject the block names
    const repo = await makeSpecRepo();
    repos.push(repo);
    const sha = await repo.commit(files, subject);
    // When the command of the block runs in it
    const io = captureIo();
    const code = await runCli(argv, io, { cwd: repo.dir });
    // Then it prints what the page shows (stdout, then stderr) and exits as the page says
    const printed = (io.out() + io.err()).replaceAll(sha.slice(0, 7), SHORT_SHA_PLACEHOLDER);
    expect(printed, `${page}:${line}`).toBe(expected);
    expect(code, `${page}:${line}: exit status`).toBe(exit);
  });
});
