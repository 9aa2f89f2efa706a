// A scripted model for polecat runs of the real Claude Code CLI: one script for the whole run,
// which reads each request to find the step its process works (from the prompt the action
// wrote, see app/polecat/step-prompt.ts) and how far that process has got (the model's turns
// already in the conversation), and answers with that step's next move. A move may say what its
// tool call must have printed; a failed call, or one that printed something else, stops the
// script, which the server records and the test reports.
import {
  DEFAULT_USAGE, type ContentBlockParam, type MessagesRequest, type ModelScript, type ReplyUsage, type ScriptedReply,
  type ScriptedToolUse,
} from "../agents/scripted-model-server.js";

/** The step a request is for, as its prompt names it. */
export interface StepRequest {
  readonly polecat: string;
  readonly step: string;
  readonly bead: string;
  /** What the tool calls this process made printed, oldest first. */
  readonly results: readonly string[];
}

/**
 * One turn of the model: a tool call, checked by what it prints, or its last words; `holdMs`
 * holds the reply after it begins (see ScriptedReply).
 */
export type Move = (
  | { readonly tool: ScriptedToolUse; readonly prints?: (output: string) => boolean }
  | { readonly say: string }
) & { readonly holdMs?: number };

export type StepMoves = (request: StepRequest) => readonly Move[];

export const bash = (command: string, description: string, prints?: (output: string) => boolean): Move => ({
  tool: { type: "tool_use", name: "Bash", input: { command, description } },
  ...(prints === undefined ? {} : { prints }),
});

export const write = (filePath: string, content: string): Move => ({
  tool: { type: "tool_use", name: "Write", input: { file_path: filePath, content } },
});

export const read = (filePath: string): Move => ({ tool: { type: "tool_use", name: "Read", input: { file_path: filePath } } });

export const edit = (filePath: string, oldString: string, newString: string): Move => ({
  tool: { type: "tool_use", name: "Edit", input: { file_path: filePath, old_string: oldString, new_string: newString } },
});

/** The heading of every step prompt: `# Polecat <name>: step \`<step>\` of bead <bead>`. */
const HEADING = /^# Polecat ([a-z0-9-]+): step `([^`]+)` of bead (\S+)$/m;

/**
 * A script answering each step's process with the moves `steps` gives it, every reply with
 * `usage` (the API's default counts unless given). A request without a step prompt, or for a
 * step with no moves or none left, stops the script.
 */
export function stepScript(steps: Readonly<Record<string, StepMoves>>, usage: Partial<ReplyUsage> = DEFAULT_USAGE): ModelScript {
  return (request) => {
    const found = HEADING.exec(promptOf(request));
    if (found === null) throw new Error("the request carries no step prompt");
    const [, polecat, step, bead] = found as unknown as [string, string, string, string];
    const moves = steps[step];
    if (moves === undefined) throw new Error(`no moves for step ${step}`);
    const results = toolResults(request);
    const plan = moves({ polecat, step, bead, results: results.map((result) => result.text) });
    const turn = request.messages.filter((message) => message.role === "assistant").length;
    const previous = plan[turn - 1];
    const last = results.at(-1);
    if (previous !== undefined && "tool" in previous) {
      if (last === undefined || last.isError) throw new Error(`${step}, turn ${turn}: ${previous.tool.name} failed: ${last?.text}`);
      if (previous.prints !== undefined && !previous.prints(last.text)) {
        throw new Error(`${step}, turn ${turn}: ${previous.tool.name} printed ${JSON.stringify(last.text)}`);
      }
    }
    const move = plan[turn];
    if (move === undefined) throw new Error(`${step} has no turn ${turn + 1}`);
    return reply(move, usage);
  };
}

function reply(move: Move, usage: Partial<ReplyUsage>): ScriptedReply {
  const content = "say" in move ? [{ type: "text" as const, text: move.say }] : [move.tool];
  return { content, usage, ...(move.holdMs === undefined ? {} : { holdMs: move.holdMs }) };
}

/** The text of the conversation's first message: the step's prompt, after any notes the CLI adds. */
function promptOf(request: MessagesRequest): string {
  const first = request.messages[0];
  if (first === undefined) return "";
  if (typeof first.content === "string") return first.content;
  return first.content.map((block) => block.text ?? "").join("\n");
}

function toolResults(request: MessagesRequest): { readonly text: string; readonly isError: boolean }[] {
  return request.messages.flatMap((message) => typeof message.content === "string" ? [] : message.content)
    .filter((block): block is ContentBlockParam => block.type === "tool_result")
    .map((block) => ({
      text: withoutReminders(typeof block.content === "string" ? block.content : (block.content ?? []).map((part) => part.text ?? "").join("")),
      isError: block.is_error === true,
    }));
}

/** What a tool printed, without the notes the CLI appends to a result for the model. */
function withoutReminders(text: string): string {
  return text.replace(/\s*<system-reminder>[\s\S]*?<\/system-reminder>/g, "");
}
