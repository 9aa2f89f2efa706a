// The bead id prefix of a repository whose config and ledger give none: its name, as Beads
// takes a project's directory name (`bd init`), cut down to what an id prefix may hold.
export function prefixForRepository(name: string): string {
  const prefix = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return prefix === "" ? "gt" : prefix;
}
