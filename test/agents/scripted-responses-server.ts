// A scripted model server for running the real Codex CLI in tests: the OpenAI Responses API on
// 127.0.0.1 (`POST /v1/responses`, streamed as server-sent events in the API's shapes:
// response.created, response.output_item.done with a message or an `exec_command` function call,
// response.completed with the usage), answering from a script that reads the conversation. It
// checks the bearer key, so a test can prove which key the CLI used; anything else (the
// WebSocket upgrade OpenAI's own provider tries first) is answered 404.
import {
  startScriptedHttpServer, type HttpAnswer, type ScriptedHttpServer, type ScriptedTokens, type ShellScript,
} from "./scripted-http.js";

export interface ResponsesInputItem {
  readonly type: string;
  readonly role?: string;
  readonly content?: string | readonly { readonly type: string; readonly text?: string }[];
  readonly output?: string;
}

export interface ResponsesRequest {
  readonly model: string;
  readonly input: readonly ResponsesInputItem[];
  readonly stream?: boolean;
  readonly tools?: readonly { readonly type: string; readonly name?: string }[];
}

export interface ScriptedResponsesOptions {
  readonly apiKey: string;
  readonly script: ShellScript;
  readonly usage: ScriptedTokens;
}

export async function startScriptedResponsesServer(options: ScriptedResponsesOptions): Promise<ScriptedHttpServer> {
  let replies = 0;
  return startScriptedHttpServer(({ method, path, headers, body }): HttpAnswer => {
    if (method !== "POST" || path !== "/v1/responses") return error(404, `${method} ${path} is not scripted`);
    if (headers.authorization !== `Bearer ${options.apiKey}`) return error(401, "invalid api key");
    if (!isResponsesRequest(body)) return error(400, "the body is not a Responses API request");
    let move;
    try {
      move = options.script(promptOf(body), commandOutputs(body));
    } catch (thrown) {
      return { ...error(400, `script: ${(thrown as Error).message}`), scriptError: (thrown as Error).message };
    }
    const n = ++replies;
    const item = "run" in move
      ? { type: "function_call", id: `fc_${n}`, call_id: `call_${n}`, name: "exec_command", arguments: JSON.stringify({ cmd: move.run }) }
      : { type: "message", id: `msg_${n}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: move.say, annotations: [] }] };
    const { input, cached, output, reasoning } = options.usage;
    return {
      status: 200,
      named: true,
      events: [
        { type: "response.created", response: { id: `resp_${n}`, status: "in_progress" } },
        { type: "response.output_item.done", output_index: 0, item },
        {
          type: "response.completed",
          response: {
            id: `resp_${n}`, status: "completed",
            usage: {
              input_tokens: input, input_tokens_details: { cached_tokens: cached },
              output_tokens: output, output_tokens_details: { reasoning_tokens: reasoning }, total_tokens: input + output,
            },
          },
        },
      ],
    };
  });
}

function error(status: number, message: string): HttpAnswer {
  return { status, json: { error: { message, type: "invalid_request_error" } } };
}

function isResponsesRequest(body: unknown): body is ResponsesRequest {
  return typeof body === "object" && body !== null && typeof (body as { model?: unknown }).model === "string"
    && Array.isArray((body as { input?: unknown }).input);
}

/** The text of the user's messages (the prompt, after the CLI's own context). */
function promptOf(request: ResponsesRequest): string {
  return request.input.filter((item) => item.type === "message" && item.role === "user")
    .flatMap((item) => typeof item.content === "string" ? [item.content] : (item.content ?? []).map((part) => part.text ?? ""))
    .join("\n");
}

/** What each command printed: the CLI wraps it (`Chunk ID: …\nOutput:\n<printed>`). */
function commandOutputs(request: ResponsesRequest): string[] {
  return request.input.filter((item) => item.type === "function_call_output")
    .map((item) => /\nOutput:\n([\s\S]*)$/.exec(item.output ?? "")?.[1]?.trimEnd() ?? `(unparsed) ${item.output ?? ""}`);
}
