// The one Octokit method the GitHub modules need, so callers pass any client (Probot's, or a
// test's), and the status of a failed request.

export interface GitHubClient {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown }>;
}

/** The HTTP status an Octokit request error carries, if any. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
