// What looks like a secret in a file an agent committed, before anything is pushed. An agent
// reads untrusted text and holds the model's key (until a proxy holds it instead), so a
// prompt-injected one may commit a key to publish it. The scan knows the published formats of the
// credentials a repository's code most often leaks, and the run's own secrets as canaries; it
// names what it found and where, never the secret itself. The canaries are found in every form
// redact.ts hides them in, so encoding one does not carry it out. Pure.
//
// Formats, as their issuers document them: GitHub's token prefixes (ghp_, gho_, ghu_, ghs_, ghr_,
// github_pat_), Anthropic's `sk-ant-` keys, OpenAI's `sk-` keys (with or without a project,
// service-account or admin tag), Google API keys (`AIza` and 35 more), AWS access key ids
// (`AKIA`/`ASIA` and 16 more), Slack tokens (`xox?-`), and PEM private keys.

import { secretForms } from "./redact.js";

interface SecretFormat {
  readonly kind: string;
  readonly pattern: RegExp;
}

const FORMATS: readonly SecretFormat[] = [
  { kind: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/ },
  { kind: "an Anthropic API key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/ },
  { kind: "an OpenAI API key", pattern: /\bsk-(?:(?:proj|svcacct|admin)-)?(?!ant-)[A-Za-z0-9_-]{32,}/ },
  { kind: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: "an AWS access key id", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: "a private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
];

/** A canary shorter than this is no secret worth the false alarms. */
const MIN_CANARY_CHARS = 8;

export interface SecretFinding {
  readonly kind: string;
  /** 1-based. */
  readonly line: number;
}

/**
 * Each kind of secret in `text`, at its first line. `canaries` are the run's own secrets (its
 * token, the model's key): found anywhere, they are "this run's own secret".
 */
export function findSecrets(text: string, canaries: readonly string[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lineAt = (index: number) => text.slice(0, index).split("\n").length;
  for (const canary of canaries) {
    if (canary.length < MIN_CANARY_CHARS) continue;
    // As written, or in a form that hides it from a plain search (URL-encoded, base64 at any alignment).
    const at = secretForms(canary).filter((form) => form.length >= MIN_CANARY_CHARS)
      .map((form) => text.indexOf(form)).filter((index) => index >= 0);
    if (at.length > 0) findings.push({ kind: "this run's own secret", line: lineAt(Math.min(...at)) });
  }
  for (const format of FORMATS) {
    const match = format.pattern.exec(text);
    if (match && !canaries.some((canary) => canary.length >= MIN_CANARY_CHARS && match[0].includes(canary))) {
      findings.push({ kind: format.kind, line: lineAt(match.index) });
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}
