// The contract between the server and the handlers: a handler gets a checked, authenticated
// request and the emulator's core, and returns an answer. Handlers are thin: they read the
// request, call pure transitions through `core.apply` and git through `core.git`, and render.
import type { BareRepo } from "../git/bare-repo.js";
import type { Principal } from "../auth/principal.js";
import type { Actor } from "../state/events.js";
import type { EmulatorState } from "../state/model.js";
import type { Result } from "../state/result.js";
import type { ViewContext } from "../views/context.js";
import type { Urls } from "../views/urls.js";
import type { DeliveryAttempt } from "../webhooks/delivery-attempts.js";
import type { ApiResponse } from "./responses.js";

export type ApiRequest = {
  operationId: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: unknown;
  principal: Principal;
  /** Who acts: the token's identity (the App's bot, github-actions[bot], a person). */
  actor: Actor;
  /** "owner/name" for repository operations. */
  repo: string | undefined;
  /** The Accept header; `application/vnd.github.raw` asks for a file's bytes. */
  accept: string;
  /** The request's absolute URL, for pagination links. */
  url: string;
  /** The operation's page in GitHub's docs, for error bodies. */
  documentationUrl: string;
};

export interface Core {
  readonly state: EmulatorState;
  readonly urls: Urls;
  view(): ViewContext;
  /** The emulator's clock, as GitHub writes timestamps ("2025-01-01T00:00:00Z"). */
  timestamp(): string;
  now(): Date;
  /** Applies a transition to the current state; on success stores it and sends its events. */
  apply<T>(transition: (state: EmulatorState) => Result<T>): Result<T>;
  /** The bare repository behind "owner/name". */
  git(repo: string): BareRepo;
  /** A fresh secret (tokens), from the emulator's randomness. */
  secret(prefix: string): string;
  /** Moves refs in git and reports the pushes they make (webhooks, workflow runs). */
  moveRef(repo: string, ref: string, sha: string, expected: string, actor: Actor): Promise<boolean>;
  /** Records something the emulator cannot do as GitHub would, so the test fails loudly. */
  report(problem: string): void;
  /** Records pushes (ref moves made by git or the API): webhooks, runs, pull requests. */
  pushed(repo: string, updates: readonly { ref: string; before: string; after: string }[], actor: Actor): Promise<void>;
  /** GitHub's record of every attempt at the App's webhook URL, oldest first. */
  readonly deliveryAttempts: readonly DeliveryAttempt[];
  /** Queues again the delivery whose attempt has this id; false when there is none. */
  redeliver(attemptId: number): boolean;
  /** True once per lost-race fault planned for `ref`; the handler then loses its race. */
  takeLostRace(ref: string): boolean;
}

export type Handler = (request: ApiRequest, core: Core) => ApiResponse | Promise<ApiResponse>;
export type Handlers = Readonly<Record<string, Handler>>;
