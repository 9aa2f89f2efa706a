// Requests and bytes per operation, for the API budgets the App is held to.
export type OperationCount = { requests: number; requestBytes: number; responseBytes: number };
export type Counters = Readonly<Record<string, OperationCount>>;

export function countRequest(counters: Counters, operationId: string, requestBytes: number, responseBytes: number): Counters {
  const current = counters[operationId] ?? { requests: 0, requestBytes: 0, responseBytes: 0 };
  return {
    ...counters,
    [operationId]: {
      requests: current.requests + 1,
      requestBytes: current.requestBytes + requestBytes,
      responseBytes: current.responseBytes + responseBytes,
    },
  };
}

export function totalRequests(counters: Counters): number {
  return Object.values(counters).reduce((sum, count) => sum + count.requests, 0);
}
