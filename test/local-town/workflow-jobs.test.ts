// How the local runner reads our workflows (local-town/workflow-jobs.ts): the steps it runs, the
// inputs each action gets (the step's `with:`, then action.yml's defaults), and what it skips.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planJobs } from "../../local-town/workflow-jobs.js";
import { renderExpressions } from "../../local-town/workflow-expressions.js";

const own = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const example = (name: string) => own(`examples/workflows/${name}`);
const run = (inputs: Record<string, string> | null) => ({ inputs, token: "ghs_run", secrets: { ANTHROPIC_API_KEY: "sk-ant-town" } });

describe("the local runner's reading of a workflow", () => {
  it("checks out the gates' commit, then runs the gates with the dispatched commands", () => {
    expect(planJobs(example("gastown-gates.yml"), run({ commands: '["sh test/harbor.sh"]', attempt: "2", base: "main" }), own)).toEqual([
      { key: "gates", steps: [{ kind: "checkout" }, { kind: "action", action: "gates", inputs: { commands: '["sh test/harbor.sh"]' }, env: {} }], concurrency: [] },
    ]);
  });

  it("gives the refinery and the patrol the run's token by action.yml's defaults, in their concurrency groups", () => {
    const defaults = { token: "ghs_run", "app-slug": "", "bot-login": "", "github-token": "ghs_run" };
    expect(planJobs(example("gastown-refinery.yml"), run({ base: "main" }), own)).toEqual([
      { key: "refinery", steps: [{ kind: "action", action: "refinery", inputs: { ...defaults, base: "main" }, env: {} }], concurrency: ["gastown-refinery-main"] },
    ]);
    expect(planJobs(example("gastown-patrol.yml"), run(null), own)).toEqual([
      { key: "patrol", steps: [{ kind: "action", action: "patrol", inputs: defaults, env: {} }], concurrency: ["gastown-patrol"] },
    ]);
  });

  it("skips script steps and other actions, and the reusable workflows of others", () => {
    const workflow = [
      "on: push", "env: { WHO: town }", "jobs:", "  test:", "    env: { STAGE: ci }", "    steps:",
      "      - uses: actions/checkout@v5", "      - run: npm test", "      - uses: actions/setup-node@v4",
      "  other:", "    uses: someone/else/.github/workflows/x.yml@v1",
    ].join("\n");
    expect(planJobs(workflow, run(null), own)).toEqual([
      { key: "test", steps: [{ kind: "checkout" }, { kind: "skipped", what: 'the script step "npm test"' }, { kind: "skipped", what: "the action actions/setup-node@v4" }], concurrency: [] },
      { key: "other", steps: [{ kind: "skipped", what: "the reusable workflow someone/else/.github/workflows/x.yml@v1" }], concurrency: [] },
    ]);
  });
});

describe("a workflow's expressions", () => {
  const contexts = { inputs: { base: "", limits: '{"job_timeout_minutes":75}' }, secrets: { K: "s" }, github: { token: "t" } };

  it("are rendered for the few our workflows use", () => {
    expect(renderExpressions("g-${{ inputs.base || 'all' }}", contexts)).toBe("g-all");
    expect(renderExpressions("${{ fromJSON(inputs.limits).job_timeout_minutes }}", contexts)).toBe("75");
    expect(renderExpressions("${{ secrets.K }}/${{ github.token }}/${{ inputs.none }}", contexts)).toBe("s/t/");
  });

  it("refuse any other, naming it", () => {
    expect(() => renderExpressions("${{ github.event.pull_request.title }}", contexts)).toThrow("an expression the local runner does not know: github.event.pull_request.title");
  });
});
