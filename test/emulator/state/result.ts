// What a transition returns: the new state, a value for the API's answer and the events that
// happened (webhooks and workflow triggers are made from them at the edge), or GitHub's error.
import type { EmulatorState } from "./model.js";
import type { DomainEvent } from "./events.js";

/** GitHub's validation error detail (`errors` in a 422 body). */
export type FieldError = { resource: string; field: string; code: string; message?: string };

/** Most 422s list field errors; some (reviews) list plain sentences. */
export type ErrorDetail = FieldError | string;

export type Failure = { ok: false; status: number; message: string; errors?: ErrorDetail[] };
export type Success<T> = { ok: true; state: EmulatorState; value: T; events: DomainEvent[] };
export type Result<T> = Success<T> | Failure;

export function fail(status: number, message: string, errors?: ErrorDetail[]): Failure {
  return errors === undefined ? { ok: false, status, message } : { ok: false, status, message, errors };
}

export const notFound = (): Failure => fail(404, "Not Found");

/** GitHub's 422 for a request that parsed but cannot be done. */
export function validationFailed(errors?: ErrorDetail[], message = "Validation Failed"): Failure {
  return fail(422, message, errors);
}

export function ok<T>(state: EmulatorState, value: T, events: DomainEvent[] = []): Success<T> {
  return { ok: true, state, value, events };
}

/**
 * Runs `change` on a deep copy of `state`, so the transition reads like plain code and the
 * caller's state is never touched. States are small (one test's repositories), so copying is
 * cheap enough.
 */
export function produce<T>(state: EmulatorState, change: (draft: EmulatorState) => Result<T>): Result<T> {
  return change(structuredClone(state));
}

/** A fresh numeric id; GitHub's ids share one space per kind, one counter keeps them unique. */
export function allocateId(draft: EmulatorState): number {
  const id = draft.nextId;
  draft.nextId += 1;
  return id;
}

/** GitHub's global node ids are opaque base64 strings; tests only need them stable and unique. */
export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString("base64");
}
