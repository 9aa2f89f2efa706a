// The `command` agent: any executable a team names in `polecat.command` (its own agent, or the
// tests' stand-ins). It gets the prompt on stdin and in the file GASTOWN_PROMPT_FILE names, and its
// output is kept as text. The action resolves the command from the repository's default branch or
// the runner; one inside the agent's clone would be code the agent wrote, so it is refused here too.
import { isAbsolute, relative, sep } from "node:path";
import type { AgentInvocation } from "./agent-invocation.js";

export interface CommandOptions {
  /** An absolute path. */
  readonly executable: string;
  readonly prompt: string;
  readonly promptFile: string;
  /** The agent's clone, where the command must not be. */
  readonly agentClone: string;
}

export function commandInvocation(options: CommandOptions): AgentInvocation {
  if (!isAbsolute(options.executable)) {
    throw new Error(`polecat.command: "${options.executable}" is not an absolute path; the action resolves the command before it runs it`);
  }
  const inClone = relative(options.agentClone, options.executable);
  if (inClone === "" || (!inClone.startsWith(`..${sep}`) && inClone !== ".." && !isAbsolute(inClone))) {
    throw new Error(`polecat.command: "${options.executable}" is inside the agent's clone; the command must come from the default branch or the runner`);
  }
  return {
    argv: [options.executable],
    env: { GASTOWN_PROMPT_FILE: options.promptFile },
    stdin: options.prompt,
    output: "text",
  };
}
