// The secret scan of an agent's files: each published format found at its line, the run's own
// secrets found as canaries, and what only resembles a secret left alone.
import { describe, expect, it } from "vitest";
import { findSecrets } from "../../app/polecat/secret-scan.js";

const letters = (n: number) => "aB3".repeat(Math.ceil(n / 3)).slice(0, n);

describe("the secret scan", () => {
  it("finds each format it knows, at its first line", () => {
    const text = [
      "const a = 1;",
      `const github = "ghp_${letters(36)}";`,
      `fine_grained = "github_pat_${letters(82)}"`,
      `ANTHROPIC_API_KEY=sk-ant-api03-${letters(40)}`,
      `OPENAI_API_KEY=sk-proj-${letters(48)}`,
      `google: AIza${letters(35)}`,
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
      `slack = "xoxb-${letters(24)}"`,
      "-----BEGIN OPENSSH PRIVATE KEY-----",
    ].join("\n");
    expect(findSecrets(text, [])).toEqual([
      { kind: "a GitHub token", line: 2 },
      { kind: "an Anthropic API key", line: 4 },
      { kind: "an OpenAI API key", line: 5 },
      { kind: "a Google API key", line: 6 },
      { kind: "an AWS access key id", line: 7 },
      { kind: "a Slack token", line: 8 },
      { kind: "a private key", line: 9 },
    ]);
  });

  it("finds the run's own secrets by their value, once, whatever their format", () => {
    const key = `sk-ant-test-${letters(24)}`;
    const token = `ghs_${letters(36)}`;
    const plain = "a-model-key-of-no-known-format";
    expect(findSecrets(`x\n${key}\n\n${token}\nand ${plain}`, [key, token, plain])).toEqual([
      { kind: "this run's own secret", line: 2 },
      { kind: "this run's own secret", line: 4 },
      { kind: "this run's own secret", line: 5 },
    ]);
  });

  it("finds the run's own secret encoded, as base64 inside a longer text or URL-encoded", () => {
    const key = "sk-ant/canary+key=ABCDEF";
    const base64 = Buffer.from(`prefix so the key sits off any alignment: ${key}`).toString("base64");
    expect(findSecrets(`one\ntwo ${base64}\n`, [key])).toEqual([{ kind: "this run's own secret", line: 2 }]);
    expect(findSecrets(`url=${encodeURIComponent(key)}`, [key])).toEqual([{ kind: "this run's own secret", line: 1 }]);
  });

  it("leaves alone what only resembles a secret, and canaries too short to mean anything", () => {
    const text = [
      "Keys look like sk-ant-… or ghp_…; never commit one.",
      "const prefix = 'sk-';",
      "ghp_short",
      "AKIA-not-a-key",
      "-----BEGIN PUBLIC KEY-----",
      "a = 1",
    ].join("\n");
    expect(findSecrets(text, ["", "a = 1"])).toEqual([]);
  });
});
