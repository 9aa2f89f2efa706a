// What could lift the agent's user above itself: a supplementary group (docker is root by another
// name, sudo and adm are what they say) or a sudoers rule that names it, one of its groups, or
// ALL. A fresh user has neither unless the machine grants them to everyone; the action checks
// before it runs the agent, and refuses a user that has any.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface UserPrivileges {
  /** Groups that list the user as a member. */
  readonly supplementaryGroups: readonly string[];
  /** Sudoers rules that apply to the user, as `file: line`. */
  readonly sudoersRules: readonly string[];
}

/** The groups in an /etc/group text whose member lists name `user`. */
export function groupsListing(groupText: string, user: string): string[] {
  const groups: string[] = [];
  for (const line of groupText.split("\n")) {
    const [name, , , members = ""] = line.split(":");
    if (name && members.split(",").map((member) => member.trim()).includes(user)) groups.push(name);
  }
  return groups;
}

export interface SudoersIdentity {
  readonly name: string;
  readonly uid: number;
  /** Every group the user is in, its own first. */
  readonly groups: readonly { readonly name: string; readonly gid: number }[];
}

export interface SudoersFile {
  readonly path: string;
  readonly text: string;
}

/** `@include`/`#include` lines and `@includedir`/`#includedir` lines in a sudoers text. */
export function sudoersIncludes(text: string): { readonly files: string[]; readonly directories: string[] } {
  const files: string[] = [];
  const directories: string[] = [];
  for (const line of logicalLines(text)) {
    const include = /^[@#]include\s+(\S+)/.exec(line);
    const includeDir = /^[@#]includedir\s+(\S+)/.exec(line);
    if (includeDir) directories.push(includeDir[1]!);
    else if (include) files.push(include[1]!);
  }
  return { files, directories };
}

/** The rules in the sudoers texts that apply to the identity. */
export function sudoersRulesFor(files: readonly SudoersFile[], who: SudoersIdentity): string[] {
  const aliases = new Map<string, string[]>();
  for (const file of files) {
    for (const line of logicalLines(file.text)) {
      const alias = /^User_Alias\s+(.*)$/.exec(line);
      if (!alias) continue;
      for (const definition of alias[1]!.split(":")) {
        const [name, members = ""] = definition.split("=");
        if (name) aliases.set(name.trim(), members.split(",").map((member) => member.trim()));
      }
    }
  }
  const names = new Set([
    "ALL", who.name, `#${who.uid}`,
    ...who.groups.flatMap((group) => [`%${group.name}`, `%#${group.gid}`]),
  ]);
  const applies = (item: string, seen: ReadonlySet<string>): boolean => {
    if (names.has(item)) return true;
    const members = aliases.get(item);
    return members !== undefined && !seen.has(item) && members.some((member) => applies(member, new Set([...seen, item])));
  };
  const rules: string[] = [];
  for (const file of files) {
    for (const line of logicalLines(file.text)) {
      if (/^(Defaults|User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\b/.test(line) || /^[@#]include/.test(line)) continue;
      // A rule starts with its user list: items joined by commas, then whitespace, then hosts.
      const users = /^((?:[^\s,=]+)(?:\s*,\s*[^\s,=]+)*)\s+\S/.exec(line);
      if (!users) continue;
      const items = users[1]!.split(",").map((item) => item.trim()).filter((item) => !item.startsWith("!"));
      if (items.some((item) => applies(item, new Set()))) rules.push(`${file.path}: ${line}`);
    }
  }
  return rules;
}

/** The sudoers file and every file it includes, as far as they exist. */
export async function readSudoers(path = "/etc/sudoers"): Promise<SudoersFile[]> {
  const files: SudoersFile[] = [];
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return;
    }
    files.push({ path: file, text });
    const { files: included, directories } = sudoersIncludes(text);
    for (const each of included) await visit(each.startsWith("/") ? each : join(dirname(file), each));
    for (const directory of directories) {
      const where = directory.startsWith("/") ? directory : join(dirname(file), directory);
      let entries: string[];
      try {
        entries = await readdir(where);
      } catch {
        continue;
      }
      // sudo skips names with a dot or ending in ~ in an included directory.
      for (const entry of entries.filter((name) => !name.includes(".") && !name.endsWith("~")).sort()) {
        await visit(join(where, entry));
      }
    }
  };
  await visit(path);
  return files;
}

export async function userPrivileges(who: SudoersIdentity, files = { group: "/etc/group", sudoers: "/etc/sudoers" }): Promise<UserPrivileges> {
  let groupText = "";
  try {
    groupText = await readFile(files.group, "utf8");
  } catch {
    // no /etc/group: no supplementary groups from it
  }
  return {
    supplementaryGroups: groupsListing(groupText, who.name),
    sudoersRules: sudoersRulesFor(await readSudoers(files.sudoers), who),
  };
}

/** Lines with comments and continuations resolved; `#include…` lines kept, being directives. */
function logicalLines(text: string): string[] {
  const joined = text.replace(/\\\n/g, " ");
  const lines: string[] = [];
  for (const raw of joined.split("\n")) {
    const line = raw.trim();
    if (/^#include(dir)?\s/.test(line)) {
      lines.push(line);
      continue;
    }
    // `#` starts a comment, except `#<uid>` in a user list.
    const code = line.replace(/(^|[^%\w])#(?!\d)[^\n]*$/, "$1").trim();
    if (code !== "") lines.push(code);
  }
  return lines;
}
