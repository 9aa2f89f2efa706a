// Requests and bytes per operation, for the API budgets the App is held to.
export type OperationCount = {
  requests: number; requestBytes: number; responseBytes: number;
  /** Conditional requests answered 304 Not Modified: they cost no rate limit. */
  notModified?: number;
};
export type Counters = Readonly<Record<string, OperationCount>>;

export function countRequest(counters: Counters, operationId: string, requestBytes: number, responseBytes: number, status = 200): Counters {
  const current = counters[operationId] ?? { requests: 0, requestBytes: 0, responseBytes: 0 };
  const notModified = (current.notModified ?? 0) + (status === 304 ? 1 : 0);
  return {
    ...counters,
    [operationId]: {
      requests: current.requests + 1,
      requestBytes: current.requestBytes + requestBytes,
      responseBytes: current.responseBytes + responseBytes,
      ...(notModified > 0 ? { notModified } : {}),
    },
  };
}

export function totalRequests(counters: Counters): number {
  return Object.values(counters).reduce((sum, count) => sum + count.requests, 0);
}
