// The pure rules on an agent's commits, one by one, with the exact lines a person and the agent read.
import { describe, expect, it } from "vitest";
import { ACTION_IDENTITY, type GitPerson } from "../../app/polecat/action-identity.js";
import { checkWork, DEFAULT_PROTECTED_PATHS, isBinaryContent, linkProblem, refusalText, type AgentCommit, type ObjectFacts, type WorkFacts, type WorkRules } from "../../app/polecat/commit-rules.js";
import type { TreeChange } from "../../app/polecat/tree-changes.js";

const RULES: WorkRules = { bead: "gt-1", protectedPaths: DEFAULT_PROTECTED_PATHS, maxDiffLines: 100, maxFileBytes: 1024 * 1024, maxBinaryBytes: 1024, identity: ACTION_IDENTITY };
const NUX: GitPerson = { name: "nux", email: "nux.polecat@gastown.invalid" };
const TRAILERS = "\n\nGastown-Bead: gt-1\nGastown-Step: implement\n";
const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const blob = (n: number) => `b${String(n).repeat(39)}`.slice(0, 40);

function commit(n: number, message: string, changes: TreeChange[], options: { parents?: string[]; author?: GitPerson; committer?: GitPerson } = {}): AgentCommit {
  return {
    commit: { sha: sha(n), tree: sha(9), parents: options.parents ?? [sha(n - 1)], author: options.author ?? NUX, committer: options.committer ?? options.author ?? NUX, message },
    changes,
  };
}

function added(path: string, object: string, mode = "100644"): TreeChange {
  return { path, mode, object, status: "A" };
}

function facts(commits: AgentCommit[], objects: Record<string, ObjectFacts> = {}, extra: Partial<WorkFacts> = {}): WorkFacts {
  return {
    pushedTip: sha(1),
    tip: commits.at(-1)?.commit.sha ?? sha(1),
    fastForward: true,
    commits,
    objects: new Map(Object.entries(objects)),
    mergeBase: sha(8),
    changedLines: 10,
    pushPaths: commits.flatMap(({ changes }) => changes.map((change) => change.path)),
    ...extra,
  };
}

const small = { type: "blob", size: 12 };

describe("checkWork", () => {
  it("passes commits that change ordinary files and carry their trailers", () => {
    expect(checkWork(facts([commit(2, `Add a${TRAILERS}`, [added("src/a.ts", blob(1))])], { [blob(1)]: small }), RULES)).toEqual({ problems: [], notes: [] });
  });

  it("refuses protected paths, each path of a move and a deletion, with the pattern that protects it", () => {
    const changes: TreeChange[] = [
      { path: ".github/workflows/ci.yml", mode: "000000", object: "0".repeat(40), status: "D" },
      added("ci.yml", blob(1)),
      added("lib/CODEOWNERS", blob(1)),
    ];
    expect(checkWork(facts([commit(2, `Move CI${TRAILERS}`, changes)], { [blob(1)]: small }), RULES).problems).toEqual([
      'commit 2222222 ("Move CI") changes .github/workflows/ci.yml, a protected path (.github/**)',
      'commit 2222222 ("Move CI") changes lib/CODEOWNERS, a protected path (**/CODEOWNERS)',
    ]);
  });

  it("protects workflows and CODEOWNERS even when protected_paths is empty", () => {
    const changes = ["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".github/workflows/a.yml", ".github/dependabot.yml"].map((path) => added(path, blob(1)));
    expect(checkWork(facts([commit(2, `Own${TRAILERS}`, changes)], { [blob(1)]: small }), { ...RULES, protectedPaths: [] }).problems).toEqual([
      'commit 2222222 ("Own") changes CODEOWNERS, a protected path (CODEOWNERS)',
      'commit 2222222 ("Own") changes .github/CODEOWNERS, a protected path (.github/CODEOWNERS)',
      'commit 2222222 ("Own") changes docs/CODEOWNERS, a protected path (docs/CODEOWNERS)',
      'commit 2222222 ("Own") changes .github/workflows/a.yml, a protected path (.github/workflows/**)',
    ]);
  });

  it("refuses a file over the size limit, a submodule, and a link leaving the repository", () => {
    const changes = [added("big.bin", blob(1)), added("vendor/lib", sha(7), "160000"), added("docs/passwd", blob(2), "120000"), added("docs/readme", blob(3), "120000")];
    const objects = { [blob(1)]: { type: "blob", size: 3 * 1024 * 1024 }, [blob(2)]: { type: "blob", size: 14, target: "../../etc/passwd" }, [blob(3)]: { type: "blob", size: 12, target: "../README.md" } };
    expect(checkWork(facts([commit(2, `Vendor${TRAILERS}`, changes)], objects), RULES).problems).toEqual([
      'commit 2222222 ("Vendor") makes big.bin 3 MiB, over the limit of 1 MiB per file',
      'commit 2222222 ("Vendor") adds vendor/lib as a submodule, and submodules are not accepted',
      'commit 2222222 ("Vendor") adds docs/passwd, a symbolic link that points outside the repository (../../etc/passwd)',
    ]);
  });

  it("refuses a binary file over the binary limit, and takes a small one or a large text file", () => {
    const changes = [added("dist/app.tar", blob(1)), added("icon.png", blob(2)), added("data.csv", blob(3))];
    const objects = { [blob(1)]: { type: "blob", size: 1025, binary: true }, [blob(2)]: { type: "blob", size: 1024, binary: true }, [blob(3)]: { type: "blob", size: 4096 } };
    expect(checkWork(facts([commit(2, `Build${TRAILERS}`, changes)], objects), RULES).problems).toEqual([
      'commit 2222222 ("Build") makes dist/app.tar a binary file of 1025 bytes, over the limit of 1024 bytes for binary files: build outputs and archives are not pushed',
    ]);
  });

  it("refuses a Gastown-Closed line anywhere in an agent's message, and the action's identity", () => {
    const closed = commit(2, "Finish\n\nGastown-Bead: gt-1\ngastown-closed : implement\n", []);
    const buried = commit(3, "Finish\n\n  Gastown-Closed: review\n\nmore text", []);
    const posing = commit(4, `Close${TRAILERS}`, [], { committer: { name: "someone", email: "GASTOWN.BOT@users.noreply.github.com" } });
    const named = commit(5, `Close${TRAILERS}`, [], { author: { name: "gastown[bot]", email: "x@example.com" } });
    expect(checkWork(facts([closed, buried, posing, named]), RULES).problems).toEqual([
      'commit 2222222 ("Finish") carries a Gastown-Closed trailer, which only Gas Town writes: leave it out (`gt step done` closes a step)',
      'commit 3333333 ("Finish") carries a Gastown-Closed trailer, which only Gas Town writes: leave it out (`gt step done` closes a step)',
      "commit 4444444 (\"Close\") is made under Gas Town's own identity (gastown[bot]), which only the action uses",
      "commit 5555555 (\"Close\") is made under Gas Town's own identity (gastown[bot]), which only the action uses",
    ]);
  });

  it("notes missing or other beads' trailers without refusing, and leaves merges alone", () => {
    const bare = commit(2, "Add a", []);
    const other = commit(3, "Add b\n\nGastown-Bead: gt-9\nGastown-Step: implement", []);
    const merge = commit(4, "Merge branch 'main'", [], { parents: [sha(3), sha(8)] });
    expect(checkWork(facts([bare, other, merge]), RULES)).toEqual({
      problems: [],
      notes: [
        'commit 2222222 ("Add a") has no Gastown-Bead trailer',
        'commit 2222222 ("Add a") has no Gastown-Step trailer',
        'commit 3333333 ("Add b") names bead gt-9 in its Gastown-Bead trailer, not gt-1',
      ],
    });
  });

  it("refuses a branch that does not fast-forward, a diff over max_diff_lines, and a workflow change merged in", () => {
    const merge = commit(2, "Merge branch 'main'", [], { parents: [sha(1), sha(8)] });
    expect(checkWork(facts([merge], {}, { fastForward: false, changedLines: 101, pushPaths: [".github/workflows/ci.yml", "src/a.ts"] }), RULES).problems).toEqual([
      "the branch does not continue the pushed work: 2222222 does not descend from 1111111, and the work ref is only ever fast-forwarded",
      "the work changes 101 lines against the base (from 8888888), over the limit of 100 (max_diff_lines)",
      "the push would change .github/workflows/ci.yml, a workflow file (merged in from the base?), and GitHub refuses workflow changes from the polecat's token",
    ]);
  });
});

describe("isBinaryContent", () => {
  it("judges as git does: a NUL byte in the first 8,000 bytes", () => {
    expect(isBinaryContent(Buffer.from("plain text\n"))).toBe(false);
    expect(isBinaryContent(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]))).toBe(true);
    expect(isBinaryContent(Buffer.concat([Buffer.alloc(8000, "a"), Buffer.from([0])]))).toBe(false);
  });
});

describe("linkProblem", () => {
  it("takes links that stay inside the repository and refuses the rest", () => {
    expect(linkProblem("docs/readme", "../README.md")).toBeUndefined();
    expect(linkProblem("a/b/c", "../../d/./e")).toBeUndefined();
    expect(linkProblem("link", "/etc/passwd")).toBe("points to the absolute path /etc/passwd");
    expect(linkProblem("a/link", "../../x")).toBe("points outside the repository (../../x)");
    expect(linkProblem("link", "..")).toBe("points outside the repository (..)");
    expect(linkProblem("link", "sub/../.git/config")).toBe("points into .git (sub/../.git/config)");
    expect(linkProblem("link", ".GIT/hooks")).toBe("points into .git (.GIT/hooks)");
    expect(linkProblem("link", "")).toBe("has no readable target");
    expect(linkProblem("link", undefined)).toBe("has no readable target");
  });
});

describe("refusalText", () => {
  it("lists the problems and says how to mend the branch", () => {
    expect(refusalText("polecat/nux/gt-1", sha(1), ["one", "two"])).toBe(
      [
        "Gas Town did not take the work on polecat/nux/gt-1; nothing was pushed:",
        "- one",
        "- two",
        `Make the branch continue ${sha(1)} without these (for example \`git reset --soft ${sha(1)}\`, then commit again without them), and finish the step again.`,
      ].join("\n"),
    );
  });
});
