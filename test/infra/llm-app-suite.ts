// The shared set-up of the zero-code LLM tests: a throwaway app dir, installed once per file,
// and the canned OpenAI- and Anthropic-compatible server on loopback, both removed afterwards.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { startCannedLlm } from './canned-llm';

export interface LlmAppSuite {
  /** The app dir (node_modules linked to the cached install, and the fixtures). */
  readonly dir: string;
  /** The canned server. */
  readonly llm: Awaited<ReturnType<typeof startCannedLlm>>;
}

/** Registers the file's beforeAll / afterAll; `makeDir` installs (or reuses) the app and returns its dir. */
export function llmAppSuite(makeDir: () => Promise<string>): LlmAppSuite {
  let dir = '';
  let llm: Awaited<ReturnType<typeof startCannedLlm>> | undefined;
  beforeAll(async () => {
    dir = await makeDir();
    llm = await startCannedLlm();
  }, 600000);
  afterAll(async () => {
    await llm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get llm() {
      if (llm === undefined) throw new Error('the canned LLM server is not started (beforeAll failed)');
      return llm;
    },
  };
}
