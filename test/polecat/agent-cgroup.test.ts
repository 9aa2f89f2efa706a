import { describe, expect, it } from "vitest";
import { cgroupMounts } from "../../app/polecat/agent-cgroup.js";
import { parseProcStatus } from "../../app/polecat/user-processes.js";

describe("cgroupMounts", () => {
  it("finds cgroup v2 and the v1 freezer where both are mounted", () => {
    const mountinfo = [
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
      "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices",
      "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime shared:12 - cgroup cgroup rw,freezer",
      "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
      "",
    ].join("\n");
    expect(cgroupMounts(mountinfo)).toEqual({ unified: "/sys/fs/cgroup/unified", freezer: "/sys/fs/cgroup/freezer" });
  });

  it("finds cgroup v2 alone, as on GitHub's Ubuntu runners", () => {
    const mountinfo = "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
    expect(cgroupMounts(mountinfo)).toEqual({ unified: "/sys/fs/cgroup" });
  });

  it("finds a freezer mounted with other controllers, and unescapes mount points", () => {
    const mountinfo = "40 31 0:37 / /sys/fs/cgroup/cpu\\040freezer rw - cgroup cgroup rw,cpu,freezer\n";
    expect(cgroupMounts(mountinfo)).toEqual({ freezer: "/sys/fs/cgroup/cpu freezer" });
  });

  it("finds nothing where no cgroup is mounted", () => {
    expect(cgroupMounts("22 1 0:21 / /proc rw - proc proc rw\n")).toEqual({});
  });
});

describe("parseProcStatus", () => {
  it("reads whose a process is and its state", () => {
    const status = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t40\nUid:\t998\t998\t998\t998\nGid:\t997\t997\t997\t997\n";
    expect(parseProcStatus(status)).toEqual({ uids: [998, 998, 998, 998], state: "S" });
    expect(parseProcStatus("Name:\tsleep\nState:\tZ (zombie)\nUid:\t0\t998\t0\t998\n")).toEqual({ uids: [0, 998, 0, 998], state: "Z" });
    expect(parseProcStatus("Name:\tsleep\n")).toBeNull();
  });
});
