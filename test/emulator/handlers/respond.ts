// Small helpers the handlers share: turn a transition's result into an answer.
import type { Person } from "../git/bare-repo.js";
import type { ApiRequest, Core } from "../http/handler.js";
import type { Actor } from "../state/events.js";
import { failure, json, type ApiResponse } from "../http/responses.js";
import type { EmulatorState, RepoRecord } from "../state/model.js";
import type { Result } from "../state/result.js";

/** The repository a request names; the server has already answered 404 when there is none. */
export function repoOf(core: Core, request: ApiRequest): RepoRecord {
  const repo = request.repo === undefined ? undefined : core.state.repos[request.repo];
  if (!repo) throw new Error(`${request.operationId}: no repository in the request`);
  return repo;
}

export function fullName(request: ApiRequest): string {
  if (request.repo === undefined) throw new Error(`${request.operationId}: no repository in the request`);
  return request.repo;
}

export function numberParam(request: ApiRequest, name: string): number {
  return Number(request.params[name]);
}

/** Applies a transition and renders its value with `status`, or answers GitHub's error. */
export function respond<T>(
  core: Core,
  request: ApiRequest,
  status: number,
  transition: (state: EmulatorState) => Result<T>,
  render: (value: T) => unknown,
): ApiResponse {
  const result = core.apply(transition);
  return result.ok ? json(status, render(result.value)) : failure(result, request.documentationUrl);
}

export function body<T>(request: ApiRequest): T {
  return (request.body ?? {}) as T;
}

/**
 * The author a commit the caller makes gets (a file written, a merge): the caller, at the
 * emulator's now. GitHub writes a bot's address as `<id>+<slug>[bot]@users.noreply.github.com`,
 * which the webhook schemas' email format refuses, so the emulator leaves the brackets out.
 */
export function authorOf(core: Core, actor: Actor): Person {
  const account = core.state.accounts[actor.login];
  const local = actor.login.replace(/\[bot\]$/, "-bot");
  return { name: actor.login, email: `${account?.id ?? 0}+${local}@users.noreply.github.com`, date: core.timestamp() };
}
