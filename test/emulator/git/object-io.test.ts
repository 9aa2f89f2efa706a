// The in-process object writer must name objects exactly as git does.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeTree, encodeTree, writeLooseObject } from "./object-io.js";
import { git } from "./run-git.js";

const run = promisify(execFile);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "object-io-"));
  await run("git", ["init", "--quiet", "--bare", dir]);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeLooseObject", () => {
  it("writes a blob git reads back under the sha git computes", async () => {
    const sha = await writeLooseObject(dir, "blob", Buffer.from("hello\n"));
    expect(sha).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect((await run("git", ["cat-file", "-p", sha], { cwd: dir })).stdout).toBe("hello\n");
  });

  it("writes trees in git's order, where a directory sorts as if its name ended in /", async () => {
    const blob = await writeLooseObject(dir, "blob", Buffer.from("x"));
    const sub = await writeLooseObject(dir, "tree", encodeTree([{ mode: "100644", name: "f", sha: blob }]));
    const items = [
      { mode: "100644", name: "a.b", sha: blob },
      { mode: "40000", name: "a", sha: sub },
      { mode: "100644", name: "a-", sha: blob },
    ];
    const ours = await writeLooseObject(dir, "tree", encodeTree(items));
    const listing = `100644 blob ${blob}\ta-\n100644 blob ${blob}\ta.b\n040000 tree ${sub}\ta\n`;
    expect(ours).toBe(await git(dir, ["mktree"], { input: listing }));
    expect(decodeTree(encodeTree(items)).map((i) => i.name)).toEqual(["a-", "a.b", "a"]);
  });
});
