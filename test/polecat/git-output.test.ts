// Reading what git prints and stores, exactly as git 2.39 writes it: commit objects, trailers,
// `diff-tree` raw and numstat output, `cat-file --batch`, `ls-remote`, `push --porcelain`,
// HEAD and packed-refs.
import { describe, expect, it } from "vitest";
import { parseLsRemote, parsePushStatus } from "../../app/polecat/action-repo.js";
import { packedRef, parseHead } from "../../app/polecat/agent-branch-tip.js";
import { parseCommitObject, subjectOf, trailersOf, trailerValues } from "../../app/polecat/commit-object.js";
import { nulFields, parseCatFileBatch } from "../../app/polecat/git-objects.js";
import { countChangedLines, parseDiffTreeStdin } from "../../app/polecat/tree-changes.js";
import { workflowPaths } from "../../app/polecat/workflow-paths.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const Z = "0".repeat(40);

describe("commit objects", () => {
  it("reads tree, parents, author, committer and message, skipping a signature's lines", () => {
    const raw = [
      `tree ${A}`,
      `parent ${B}`,
      `parent ${C}`,
      "author Nux Polecat <nux@example.com> 1748779200 +0000",
      "committer gastown[bot] <gastown.bot@users.noreply.github.com> 1748779200 +0000",
      "gpgsig -----BEGIN PGP SIGNATURE-----",
      " ",
      " iQEz",
      " -----END PGP SIGNATURE-----",
      "",
      "Add a\n\nBody.\n",
    ].join("\n");
    expect(parseCommitObject(C, raw)).toEqual({
      sha: C,
      tree: A,
      parents: [B, C],
      author: { name: "Nux Polecat", email: "nux@example.com" },
      committer: { name: "gastown[bot]", email: "gastown.bot@users.noreply.github.com" },
      message: "Add a\n\nBody.\n",
    });
    expect(() => parseCommitObject(A, `parent ${B}\n\nNo tree`)).toThrow(`commit ${A} has no tree, author or committer`);
    expect(subjectOf("Add a\n\nBody.\n")).toBe("Add a");
  });

  it("reads trailers from the last paragraph only, when every line of it is one", () => {
    expect(trailersOf("Add a\n\nBody.\n\nGastown-Bead: gt-1\nGastown-Step:  implement \n")).toEqual([
      { key: "Gastown-Bead", value: "gt-1" },
      { key: "Gastown-Step", value: "implement" },
    ]);
    expect(trailersOf("Gastown-Bead: gt-1\n")).toEqual([]);
    expect(trailersOf("Add a\n\nGastown-Bead: gt-1\nnot a trailer\n")).toEqual([]);
    expect(trailersOf("Add a\n\nGastown-Bead: gt-1\n\n")).toEqual([{ key: "Gastown-Bead", value: "gt-1" }]);
    expect(trailerValues([{ key: "gastown-closed", value: "x" }, { key: "Other", value: "y" }], "Gastown-Closed")).toEqual(["x"]);
  });
});

describe("diff-tree output", () => {
  it("reads changes per commit, from plain and combined (merge) raw records", () => {
    const output = [
      A,
      `:000000 100644 ${Z} ${B} A`,
      "src/a.ts",
      `:100644 000000 ${C} ${Z} D`,
      "old name.txt",
      B,
      C,
      `::100644 100644 100644 ${A} ${B} ${C} MM`,
      "conflicted.ts",
      `::000000 000000 120000 ${Z} ${Z} ${A} AA`,
      "link",
    ];
    expect(parseDiffTreeStdin(output)).toEqual(
      new Map([
        [
          A,
          [
            { path: "src/a.ts", mode: "100644", object: B, status: "A" },
            { path: "old name.txt", mode: "000000", object: Z, status: "D" },
          ],
        ],
        [B, []],
        [
          C,
          [
            { path: "conflicted.ts", mode: "100644", object: C, status: "MM" },
            { path: "link", mode: "120000", object: A, status: "AA" },
          ],
        ],
      ]),
    );
    expect(() => parseDiffTreeStdin([`:000000 100644 ${Z} ${B} A`, "a"])).toThrow("git diff-tree printed a change without a commit or a path");
  });

  it("counts added and removed lines, a rename's too, and a binary file as one", () => {
    expect(countChangedLines(["3\t1\tsrc/a.ts", "-\t-\tlogo.png", "2\t2\t", "old.ts", "new.ts", "0\t0\t", "same.ts", "moved.ts"])).toBe(9);
    expect(countChangedLines([])).toBe(0);
  });

  it("splits -z output into its fields", () => {
    expect(nulFields(Buffer.from("a\0b c\0"))).toEqual(["a", "b c"]);
    expect(nulFields(Buffer.from(""))).toEqual([]);
  });

  it("picks the workflow files among changed paths", () => {
    expect(workflowPaths([".github/workflows/b.yml", "src/a.ts", ".github/workflows/a.yml", ".github/workflows/b.yml", ".github/labels.yml"])).toEqual([
      ".github/workflows/a.yml",
      ".github/workflows/b.yml",
    ]);
  });
});

describe("cat-file --batch", () => {
  it("reads objects by their sizes, binary content included", () => {
    const output = Buffer.concat([Buffer.from(`${A} blob 3\n`), Buffer.from([0, 10, 255]), Buffer.from(`\n${B} commit 5\nhello\n`)]);
    expect(parseCatFileBatch(output)).toEqual([
      { sha: A, type: "blob", content: Buffer.from([0, 10, 255]) },
      { sha: B, type: "commit", content: Buffer.from("hello") },
    ]);
    expect(() => parseCatFileBatch(Buffer.from(`${A} missing\n`))).toThrow(`git cat-file --batch: ${A} missing`);
  });
});

describe("ls-remote and push --porcelain", () => {
  it("reads refs by their exact names", () => {
    expect(parseLsRemote(`${A}\trefs/heads/main\n${B}\trefs/heads/gastown/work/nux/gt-1\n`)).toEqual(
      new Map([
        ["refs/heads/main", A],
        ["refs/heads/gastown/work/nux/gt-1", B],
      ]),
    );
    expect(parseLsRemote("")).toEqual(new Map());
  });

  it("finds the status line of the pushed ref", () => {
    const output = `To http://127.0.0.1/octo/town.git\n!\t${A}:refs/heads/gastown/work/nux/gt-1\t[rejected] (non-fast-forward)\nDone\n`;
    expect(parsePushStatus(output, "refs/heads/gastown/work/nux/gt-1")).toEqual({ flag: "!", summary: "[rejected] (non-fast-forward)" });
    expect(parsePushStatus(`To x\n*\t${A}:refs/heads/w\t[new branch]\nDone\n`, "refs/heads/w")).toEqual({ flag: "*", summary: "[new branch]" });
    expect(parsePushStatus("", "refs/heads/w")).toBeUndefined();
  });
});

describe("HEAD and packed-refs", () => {
  it("reads a symbolic HEAD, and nothing from a detached one", () => {
    expect(parseHead("ref: refs/heads/polecat/nux/gt-1\n")).toBe("refs/heads/polecat/nux/gt-1");
    expect(parseHead(`${A}\n`)).toBeUndefined();
    expect(parseHead("ref: refs/heads/a b\n")).toBeUndefined();
  });

  it("finds a ref in packed-refs, past its header and peeled lines", () => {
    const packed = `# pack-refs with: peeled fully-peeled sorted \n${A} refs/heads/polecat/nux/gt-1\n${B} refs/tags/v1\n^${C}\n`;
    expect(packedRef(packed, "refs/heads/polecat/nux/gt-1")).toBe(A);
    expect(packedRef(packed, "refs/heads/other")).toBeUndefined();
    expect(packedRef("not-a-sha refs/heads/x\n", "refs/heads/x")).toBeUndefined();
  });
});
