// Small helpers the handlers share: turn a transition's result into an answer.
import type { ApiRequest, Core } from "../http/handler.js";
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
