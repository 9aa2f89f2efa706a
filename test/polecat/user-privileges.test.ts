import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  groupsListing, readSudoers, sudoersIncludes, sudoersRulesFor, userPrivileges, type SudoersIdentity,
} from "../../app/polecat/user-privileges.js";

const AGENT: SudoersIdentity = { name: "gtagent-1-1", uid: 998, groups: [{ name: "gtagent-1-1", gid: 997 }] };

describe("groupsListing", () => {
  it("finds the groups whose member lists name the user, not those it merely shares a name with", () => {
    const group = [
      "root:x:0:", "sudo:x:27:runner", "docker:x:999:runner,gtagent-1-1", "gtagent-1-1:x:997:", "adm:x:4:syslog, gtagent-1-1", "",
    ].join("\n");
    expect(groupsListing(group, "gtagent-1-1")).toEqual(["docker", "adm"]);
    expect(groupsListing(group, "runner")).toEqual(["sudo", "docker"]);
  });
});

describe("sudoersRulesFor", () => {
  const file = (text: string) => [{ path: "/etc/sudoers", text }];

  it("finds rules naming the user, its uid, one of its groups, or everyone, and no others", () => {
    const text = [
      "Defaults env_reset",
      "# gtagent-1-1 ALL=(ALL) ALL",
      "root ALL=(ALL:ALL) ALL",
      "%sudo ALL=(ALL:ALL) ALL",
      "runner ALL=(ALL) NOPASSWD:ALL",
      "alice, gtagent-1-1 ALL=(ALL) ALL   # a comment",
      "#998 ALL=(ALL) /usr/bin/id",
      "%gtagent-1-1 ALL=(ALL) ALL",
      "%#997 host1 = /bin/true",
      "ALL ALL=(ALL) NOPASSWD: /usr/bin/apt-get \\",
      "    update",
      "!gtagent-1-1, bob ALL=(ALL) ALL",
    ].join("\n");
    expect(sudoersRulesFor(file(text), AGENT)).toEqual([
      "/etc/sudoers: alice, gtagent-1-1 ALL=(ALL) ALL",
      "/etc/sudoers: #998 ALL=(ALL) /usr/bin/id",
      "/etc/sudoers: %gtagent-1-1 ALL=(ALL) ALL",
      "/etc/sudoers: %#997 host1 = /bin/true",
      "/etc/sudoers: ALL ALL=(ALL) NOPASSWD: /usr/bin/apt-get      update",
    ]);
  });

  it("follows user aliases, which may name one another", () => {
    const text = [
      "User_Alias AGENTS = gtagent-1-1, carol : ADMINS = dave",
      "User_Alias EVERYONE = AGENTS, ADMINS",
      "EVERYONE ALL=(ALL) ALL",
      "ADMINS ALL=(ALL) ALL",
    ].join("\n");
    expect(sudoersRulesFor(file(text), AGENT)).toEqual(["/etc/sudoers: EVERYONE ALL=(ALL) ALL"]);
  });

  it("finds nothing on a machine whose sudoers name only others", () => {
    expect(sudoersRulesFor(file("root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n"), AGENT)).toEqual([]);
  });
});

describe("sudoersIncludes", () => {
  it("reads both spellings of the include directives", () => {
    expect(sudoersIncludes("@includedir /etc/sudoers.d\n#includedir /etc/more.d\n@include extra\n#include /etc/sudoers.local\n# include me not\n"))
      .toEqual({ files: ["extra", "/etc/sudoers.local"], directories: ["/etc/sudoers.d", "/etc/more.d"] });
  });
});

describe("reading a machine's sudoers and groups", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gastown-sudoers-"));
    await mkdir(join(dir, "sudoers.d"));
    await writeFile(join(dir, "sudoers"), "root ALL=(ALL) ALL\n@includedir sudoers.d\n#include extra\n");
    await writeFile(join(dir, "extra"), "%docker ALL=(ALL) ALL\n");
    await writeFile(join(dir, "sudoers.d", "runner"), "runner ALL=(ALL) NOPASSWD:ALL\n");
    await writeFile(join(dir, "sudoers.d", "everyone"), "ALL ALL=(ALL) NOPASSWD: /usr/bin/true\n");
    await writeFile(join(dir, "sudoers.d", "skipped.bak"), "ALL ALL=(ALL) ALL\n");
    await writeFile(join(dir, "group"), "docker:x:999:runner,gtagent-1-1\n");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the included files and directories, skipping names sudo skips", async () => {
    expect((await readSudoers(join(dir, "sudoers"))).map((file) => file.path)).toEqual([
      join(dir, "sudoers"), join(dir, "extra"), join(dir, "sudoers.d", "everyone"), join(dir, "sudoers.d", "runner"),
    ]);
  });

  it("says which groups and rules lift the user", async () => {
    expect(await userPrivileges(AGENT, { group: join(dir, "group"), sudoers: join(dir, "sudoers") })).toEqual({
      supplementaryGroups: ["docker"],
      sudoersRules: [`${join(dir, "sudoers.d", "everyone")}: ALL ALL=(ALL) NOPASSWD: /usr/bin/true`],
    });
  });

  it("finds nothing where there are no such files", async () => {
    expect(await userPrivileges(AGENT, { group: join(dir, "none"), sudoers: join(dir, "none") }))
      .toEqual({ supplementaryGroups: [], sudoersRules: [] });
  });
});
