// A scripted model server for running the real Gemini CLI in tests: the Gemini API on 127.0.0.1
// (`POST /v1beta/models/<model>:streamGenerateContent?alt=sse`, streamed as server-sent events
// of GenerateContentResponse: a text part or a `run_shell_command` function call, with the usage
// metadata), answering from a script that reads the conversation. It checks the
// `x-goog-api-key`, so a test can prove which key the CLI used; anything else is answered 404.
import {
  startScriptedHttpServer, type HttpAnswer, type ScriptedHttpServer, type ScriptedTokens, type ShellScript,
} from "./scripted-http.js";

interface Part {
  readonly text?: string;
  readonly functionResponse?: { readonly name: string; readonly response?: { readonly output?: string } };
}

export interface GenerateContentRequest {
  readonly contents: readonly { readonly role?: string; readonly parts: readonly Part[] }[];
  readonly tools?: readonly { readonly functionDeclarations?: readonly { readonly name: string }[] }[];
}

export interface ScriptedGeminiOptions {
  readonly apiKey: string;
  readonly script: ShellScript;
  readonly usage: ScriptedTokens;
}

const STREAM = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/;

export async function startScriptedGeminiServer(options: ScriptedGeminiOptions): Promise<ScriptedHttpServer> {
  return startScriptedHttpServer(({ method, path, headers, body }): HttpAnswer => {
    const model = method === "POST" ? STREAM.exec(path)?.[1] : undefined;
    if (model === undefined) return error(404, "NOT_FOUND", `${method} ${path} is not scripted`);
    if (headers["x-goog-api-key"] !== options.apiKey) return error(401, "UNAUTHENTICATED", "invalid api key");
    if (!isGenerateContentRequest(body)) return error(400, "INVALID_ARGUMENT", "the body is not a GenerateContentRequest");
    let move;
    try {
      move = options.script(promptOf(body), commandOutputs(body));
    } catch (thrown) {
      return { ...error(400, "INVALID_ARGUMENT", `script: ${(thrown as Error).message}`), scriptError: (thrown as Error).message };
    }
    const part = "run" in move ? { functionCall: { name: "run_shell_command", args: { command: move.run } } } : { text: move.say };
    const { input, cached, output, reasoning } = options.usage;
    return {
      status: 200,
      named: false,
      events: [{
        candidates: [{ content: { role: "model", parts: [part] }, finishReason: "STOP", index: 0 }],
        usageMetadata: {
          promptTokenCount: input, cachedContentTokenCount: cached, candidatesTokenCount: output,
          thoughtsTokenCount: reasoning, totalTokenCount: input + output + reasoning,
        },
        modelVersion: model,
      }],
    };
  });
}

function error(code: number, status: string, message: string): HttpAnswer {
  return { status: code, json: { error: { code, message, status } } };
}

function isGenerateContentRequest(body: unknown): body is GenerateContentRequest {
  return typeof body === "object" && body !== null && Array.isArray((body as { contents?: unknown }).contents);
}

function promptOf(request: GenerateContentRequest): string {
  return request.contents.filter((content) => content.role === "user")
    .flatMap((content) => content.parts.map((part) => part.text ?? "")).join("\n");
}

/** What each command printed: the CLI wraps it (`<untrusted_context>\nOutput: <printed>\nProcess Group PGID: …`). */
function commandOutputs(request: GenerateContentRequest): string[] {
  return request.contents.flatMap((content) => content.parts)
    .filter((part) => part.functionResponse?.name === "run_shell_command")
    .map((part) => {
      const output = part.functionResponse?.response?.output ?? "";
      return /Output: ([\s\S]*?)\n(?:Error: |Exit Code: |Signal: |Background PIDs: |Process Group PGID: |<\/untrusted_context>)/.exec(output)?.[1]?.trimEnd()
        ?? `(unparsed) ${output}`;
    });
}
