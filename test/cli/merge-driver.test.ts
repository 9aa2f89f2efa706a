// The merge driver end to end: the built `gt`, a real repository, a real `git merge`.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { bead, jsonl } from "../ledger/ledger-builders.js";
import { read, tempDir } from "./run-gt.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const CLI = fileURLToPath(new URL("../../build/app/cli/main.js", import.meta.url));
const LEDGER = ".beads/issues.jsonl";

function run(cwd: string, command: string, args: string[]): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com",
      GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const git = (cwd: string, ...args: string[]) => run(cwd, "git", args);

function commitLedger(cwd: string, text: string, message: string): void {
  writeFileSync(join(cwd, LEDGER), text);
  git(cwd, "add", "-A");
  git(cwd, "commit", "-q", "-m", message);
}

/** A repository whose main and `theirs` branches both changed the ledger since `base`. */
function divergedRepository(base: string, ours: string, theirs: string): string {
  const dir = tempDir({ [LEDGER]: base });
  git(dir, "init", "-q", "-b", "main");
  run(dir, process.execPath, [CLI, "ledger", "install-merge-driver"]);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  git(dir, "checkout", "-q", "-b", "theirs");
  commitLedger(dir, theirs, "theirs");
  git(dir, "checkout", "-q", "main");
  commitLedger(dir, ours, "ours");
  return dir;
}

describe("gt ledger merge as git's merge driver", () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  });

  it("installs itself idempotently, with a command that works from any directory", () => {
    const dir = tempDir({ ".gitattributes": "*.png binary" });
    git(dir, "init", "-q");
    const first = run(dir, process.execPath, [CLI, "ledger", "install-merge-driver"]);
    expect(first).toContain('added ".beads/issues.jsonl merge=beads" to .gitattributes');
    run(dir, process.execPath, [CLI, "ledger", "install-merge-driver"]);
    expect(read(dir, ".gitattributes")).toBe("*.png binary\n.beads/issues.jsonl merge=beads\n");
    expect(git(dir, "config", "merge.beads.driver").trim())
      .toBe(`${process.execPath} ${CLI} ledger merge %O %A %B --path %P`);
  });

  it("merges edits to neighbouring lines that git alone would call a conflict", () => {
    const base = jsonl([bead("gt-1"), bead("gt-2"), bead("gt-3")]);
    const ours = jsonl([
      bead("gt-1", { title: "Ours renamed it", updated_at: "2026-01-02T00:00:00Z" }),
      bead("gt-2", { priority: 3 }),
      bead("gt-3"),
      bead("gt-4"),
    ]);
    const theirs = jsonl([
      bead("gt-1", { labels: ["backend"] }),
      bead("gt-2", { priority: 0 }),
      bead("gt-3", { status: "closed", closed_at: "2026-01-03T00:00:00Z" }),
      bead("gt-5"),
    ]);
    const dir = divergedRepository(base, ours, theirs);
    git(dir, "merge", "-q", "--no-edit", "theirs");
    expect(read(dir, LEDGER)).toBe(jsonl([
      bead("gt-1", { title: "Ours renamed it", updated_at: "2026-01-02T00:00:00Z", labels: ["backend"] }),
      bead("gt-2", { priority: 0 }),
      bead("gt-3", { status: "closed", closed_at: "2026-01-03T00:00:00Z" }),
      bead("gt-4"),
      bead("gt-5"),
    ]));
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("leaves a conflict for a person when one side does not parse", () => {
    const base = jsonl([bead("gt-1")]);
    const ours = jsonl([bead("gt-1", { priority: 1 })]);
    const broken = jsonl([bead("gt-1", { priority: 9 })]);
    const dir = divergedRepository(base, ours, broken);
    let stderr = "";
    try {
      git(dir, "merge", "-q", "--no-edit", "theirs");
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr) + String((error as { stdout?: string }).stdout);
    }
    expect(stderr).toContain(".beads/issues.jsonl (theirs):1: priority: must be at most 4 (got 9)");
    expect(stderr).toContain("gt: cannot merge .beads/issues.jsonl: fix the errors above, then merge again");
    expect(git(dir, "status", "--porcelain")).toBe("UU .beads/issues.jsonl\n");
    expect(read(dir, LEDGER)).toBe(ours);
  });
});
