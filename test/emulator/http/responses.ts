// The answers a handler gives, and GitHub's error body.
import type { Failure } from "../state/result.js";

export type ApiResponse = {
  status: number;
  /** JSON body; omitted for empty answers (204, 302…). */
  body?: unknown;
  /** A non-JSON body (job logs), sent as is. */
  text?: string;
  headers?: Record<string, string>;
};

const DOCS = "https://docs.github.com/rest";

export function json(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** The Accept header that asks for a file's or a blob's bytes rather than JSON. */
export const RAW_MEDIA_TYPE = /application\/vnd\.github(\.v3)?\.raw/;

/** A file's or a blob's bytes, as GitHub answers the raw media type. */
export function raw(content: Buffer): ApiResponse {
  return { status: 200, text: content.toString("utf8"), headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
}

export function empty(status: number, headers?: Record<string, string>): ApiResponse {
  return headers === undefined ? { status } : { status, headers };
}

/**
 * GitHub's error body: `message`, `documentation_url` (the operation's page when known) and,
 * since 2024, `status` as a string; validation failures add `errors`.
 */
export function errorBody(status: number, message: string, documentationUrl = DOCS, errors?: unknown[]): Record<string, unknown> {
  const body: Record<string, unknown> = { message, documentation_url: documentationUrl, status: String(status) };
  if (errors !== undefined) body["errors"] = errors;
  return body;
}

export function failure(result: Failure, documentationUrl?: string): ApiResponse {
  return json(result.status, errorBody(result.status, result.message, documentationUrl, result.errors));
}
