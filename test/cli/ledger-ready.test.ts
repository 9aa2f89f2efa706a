import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bead, jsonl } from "../ledger/ledger-builders.js";
import { gt, tempDir } from "./run-gt.js";

const EXAMPLE = readFileSync(new URL("../../examples/ledger/.beads/issues.jsonl", import.meta.url), "utf8");
const CONFIG = readFileSync(new URL("../../examples/ledger/.beads/config.yaml", import.meta.url), "utf8");
const example = () => tempDir({ ".beads/issues.jsonl": EXAMPLE, ".beads/config.yaml": CONFIG });

describe("gt ledger ready on the example ledger", () => {
  it("lists open, unblocked work oldest first, the last two days' first by priority", async () => {
    // The clock (2026-11-24T12:00Z) puts every bead of the example over 48 hours old.
    expect(await gt(example(), ["ledger", "ready"])).toEqual({
      code: 0,
      stderr: "",
      stdout:
        "5 ready:\n" +
        "shop-f8w        P3  task  Document the checkout events\n" +
        "shop-a1c        P1  epic  Checkout v2\n" +
        "shop-a1c.1      P1  task  Validate the payment form before submit\n" +
        "shop-b7x        P0  bug   Cart total rounds wrong for JPY\n" +
        "shop-mol-d9f.2  P2  task  Implement\n",
    });
  });

  it("puts beads created in the 48 hours before --now first", async () => {
    const { stdout } = await gt(example(), ["ledger", "ready", "--now", "2026-11-23T00:00:00Z"]);
    expect(stdout.split("\n").slice(1, 3)).toEqual([
      "shop-b7x        P0  bug   Cart total rounds wrong for JPY",
      "shop-mol-d9f.2  P2  task  Implement",
    ]);
  });

  it("sorts by priority, and shows deferred work once its time has come", async () => {
    const { stdout } = await gt(example(), ["ledger", "ready", "--sort", "priority", "--now", "2027-02-01T00:00:00Z"]);
    expect(stdout).toBe(
      "6 ready:\n" +
      "shop-b7x        P0  bug      Cart total rounds wrong for JPY\n" +
      "shop-a1c.1      P1  task     Validate the payment form before submit\n" +
      "shop-a1c        P1  epic     Checkout v2\n" +
      "shop-mol-d9f.2  P2  task     Implement\n" +
      "shop-e5q        P3  feature  Gift cards\n" +
      "shop-f8w        P3  task     Document the checkout events\n",
    );
  });

  it("prints the beads as JSON with --json", async () => {
    const { code, stdout } = await gt(example(), ["ledger", "ready", "--json", "--sort", "oldest"]);
    expect(code).toBe(0);
    const beads = JSON.parse(stdout) as Record<string, unknown>[];
    expect(beads.map((b) => [b.id, b.title, b.priority, b.status])).toEqual([
      ["shop-f8w", "Document the checkout events", 3, "open"],
      ["shop-a1c", "Checkout v2", 1, "open"],
      ["shop-a1c.1", "Validate the payment form before submit", 1, "open"],
      ["shop-b7x", "Cart total rounds wrong for JPY", 0, "open"],
      ["shop-mol-d9f.2", "Implement", 2, "open"],
    ]);
    expect(beads[1]).toEqual(JSON.parse(EXAMPLE.split("\n").find((line) => line.includes('"id":"shop-a1c"')) as string));
  });
});

describe("gt ledger ready's checks", () => {
  it("says so when nothing is ready", async () => {
    const dir = tempDir({ ".beads/issues.jsonl": jsonl([bead("gt-1", { status: "hooked" })]) });
    expect((await gt(dir, ["ledger", "ready"])).stdout).toBe("No ready beads.\n");
  });

  it("warns on stderr of what keeps beads from being ready, still listing what is", async () => {
    const dep = (id: string, target: string) => ({ issue_id: id, depends_on_id: target, type: "blocks" });
    const dir = tempDir({
      ".beads/issues.jsonl": jsonl([
        bead("gt-1", { dependencies: [dep("gt-1", "gt-2")] }),
        bead("gt-2", { dependencies: [dep("gt-2", "gt-1")] }),
        bead("gt-3", { dependencies: [dep("gt-3", "gt-gone")] }),
      ]),
    });
    expect(await gt(dir, ["ledger", "ready"])).toEqual({
      code: 0,
      stdout: "1 ready:\ngt-3  P2  task  Bead gt-3\n",
      stderr:
        ".beads/issues.jsonl:1: warning: dependencies: blocking dependencies form a cycle: gt-1 → gt-2 → gt-1\n" +
        ".beads/issues.jsonl:3: warning: dependencies[0].depends_on_id: gt-gone is not in the ledger\n",
    });
    // With --json the warnings are JSON lines, and stdout is the beads alone.
    const { code, stderr, stdout } = await gt(dir, ["ledger", "ready", "--json"]);
    expect(code).toBe(0);
    expect(stderr.split("\n").filter(Boolean).map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        file: ".beads/issues.jsonl", line: 1, severity: "warning", kind: "cycle", field: "dependencies",
        message: "blocking dependencies form a cycle: gt-1 → gt-2 → gt-1",
      },
      {
        file: ".beads/issues.jsonl", line: 3, severity: "warning", kind: "missing-target",
        field: "dependencies[0].depends_on_id", message: "gt-gone is not in the ledger",
      },
    ]);
    expect((JSON.parse(stdout) as { id: string }[]).map((b) => b.id)).toEqual(["gt-3"]);
  });

  it("refuses a bad --sort or --now before reading anything", async () => {
    expect(await gt(tempDir(), ["ledger", "ready", "--sort", "newest"])).toEqual({
      code: 2, stdout: "", stderr: 'gt: --sort: must be one of hybrid, priority, oldest (got "newest")\n',
    });
    expect(await gt(tempDir(), ["ledger", "ready", "--now", "tomorrow"])).toEqual({
      code: 2, stdout: "", stderr: 'gt: --now: must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z (got "tomorrow")\n',
    });
  });
});

describe("gt ledger ready --json", () => {
  it("always gives id, title, priority and status, even where the ledger leaves them implied", async () => {
    const dir = tempDir({ ".beads/issues.jsonl": '{"id":"gt-1","title":"Implied","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}\n' });
    expect(JSON.parse((await gt(dir, ["ledger", "ready", "--json"])).stdout)).toEqual([{
      id: "gt-1", title: "Implied", status: "open", priority: 0,
      created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
    }]);
  });
});
