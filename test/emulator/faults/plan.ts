// Faults a test asks for, as plain data: which requests or deliveries they hit and how many
// times. The server and the delivery queue take matching faults from the plan as they go.
export type RequestFault =
  /** Answer with this status and GitHub's error body instead of serving the request. */
  | { kind: "status"; status: number; operationId?: string; times?: number }
  /** Hold the answer this long (through the emulator's injected sleep, never a real one). */
  | { kind: "latency"; ms: number; operationId?: string; times?: number }
  /**
   * GitHub's secondary rate limit: 403 with `retry-after`.
   * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
   */
  | { kind: "secondary-rate-limit"; retryAfter: number; operationId?: string; times?: number }
  /**
   * Another writer moves the ref first: just before the next update of `ref` (e.g.
   * "heads/main"), the emulator commits on top of it, so a non-force update loses the race.
   */
  | { kind: "lost-race"; ref: string; times?: number };

export type DeliveryFault =
  | { kind: "drop-delivery"; event?: string; times?: number }
  /** Delivered twice with the same delivery id, as a GitHub redelivery is. */
  | { kind: "duplicate-delivery"; event?: string; times?: number };

export type Fault = RequestFault | DeliveryFault;

type Planned = { fault: Fault; remaining: number };
export type FaultPlan = readonly Planned[];

export function addFault(plan: FaultPlan, fault: Fault): FaultPlan {
  return [...plan, { fault, remaining: fault.times ?? 1 }];
}

/** Takes the first fault `matches` accepts, using up one of its times. */
export function takeFault<F extends Fault>(plan: FaultPlan, matches: (fault: Fault) => fault is F): { plan: FaultPlan; fault: F | undefined } {
  const index = plan.findIndex((planned) => matches(planned.fault));
  const found = plan[index];
  if (found === undefined) return { plan, fault: undefined };
  const rest = found.remaining > 1 ? [{ ...found, remaining: found.remaining - 1 }] : [];
  return { plan: [...plan.slice(0, index), ...rest, ...plan.slice(index + 1)], fault: found.fault as F };
}

/** The request faults that apply to an operation, in the order a request meets them. */
export function requestFaultFor(operationId: string) {
  return (fault: Fault): fault is Extract<RequestFault, { kind: "status" | "latency" | "secondary-rate-limit" }> =>
    (fault.kind === "status" || fault.kind === "latency" || fault.kind === "secondary-rate-limit") &&
    (fault.operationId === undefined || fault.operationId === operationId);
}

export function lostRaceFor(ref: string) {
  return (fault: Fault): fault is Extract<RequestFault, { kind: "lost-race" }> => fault.kind === "lost-race" && fault.ref === ref;
}

export function deliveryFaultFor(event: string) {
  return (fault: Fault): fault is DeliveryFault =>
    (fault.kind === "drop-delivery" || fault.kind === "duplicate-delivery") && (fault.event === undefined || fault.event === event);
}
