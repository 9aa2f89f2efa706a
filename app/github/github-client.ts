// The one Octokit method the GitHub modules need, so callers pass any client (Probot's, or a
// test's), and the status of a failed request.

export interface GitHubClient {
  /** The answer's body, and its headers where the caller needs one (a `Link` to the next page). */
  request(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown; headers?: Readonly<Record<string, unknown>> }>;
}

/** The HTTP status an Octokit request error carries, if any. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's words for a refused request: its message, and each validation error's. */
export function refusalOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown; errors?: unknown } } } | null)?.response?.data;
  const errors = Array.isArray(data?.errors)
    ? data.errors.flatMap((e: unknown) => {
      const message = (e as { message?: unknown } | null)?.message;
      return typeof message === "string" ? [message] : [];
    })
    : [];
  const message = typeof data?.message === "string" ? data.message : error instanceof Error ? error.message : String(error);
  return [message, ...errors].join(": ");
}

/**
 * What `request` gives, or `absent` when GitHub answers one of `statuses` (404 unless named): the
 * thing asked for is not there, which is an answer rather than a failure. Anything else throws.
 */
export async function unlessAbsent<T, A>(request: () => Promise<T>, absent: A, statuses: readonly number[] = [404]): Promise<T | A> {
  try {
    return await request();
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && statuses.includes(status)) return absent;
    throw error;
  }
}
