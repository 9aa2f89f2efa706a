// Glob patterns for `protected_paths`, read as minimatch reads them with `dot: true` (a leading
// dot is an ordinary character, so `.github/**` and `**/CODEOWNERS` reach hidden files too):
//   `*` any run of characters within one path segment, `?` one character but `/`,
//   `[abc]` `[a-z]` `[!a]` one character of a class, `**` as a whole segment any number of
//   segments (none too), anything else itself; a leading `/` or `./` is dropped.
// A path is protected when a pattern matches it or any directory above it: `docs` protects
// `docs/a.md` as `docs/**` does, because a pattern naming a directory means what is in it.

/** The first pattern that protects `path`, or undefined. */
export function protectingPattern(patterns: readonly string[], path: string): string | undefined {
  const segments = path.split("/");
  for (const pattern of patterns) {
    const parts = patternSegments(pattern);
    for (let depth = segments.length; depth >= 1; depth--) {
      if (matchSegments(parts, 0, segments.slice(0, depth), 0)) return pattern;
    }
  }
  return undefined;
}

/** Whether `pattern` matches the whole of `path`. */
export function globMatches(pattern: string, path: string): boolean {
  return matchSegments(patternSegments(pattern), 0, path.split("/"), 0);
}

function patternSegments(pattern: string): string[] {
  const trimmed = pattern.replace(/^\.\//, "").replace(/^\/+/, "").replace(/\/+$/, "");
  // `a/**/**/b` means `a/**/b`.
  return trimmed.split("/").filter((part, i, all) => part !== "" && !(part === "**" && all[i - 1] === "**"));
}

function matchSegments(pattern: readonly string[], p: number, path: readonly string[], s: number): boolean {
  if (p === pattern.length) return s === path.length;
  const part = pattern[p] as string;
  if (part === "**") {
    for (let next = s; next <= path.length; next++) if (matchSegments(pattern, p + 1, path, next)) return true;
    return false;
  }
  if (s === path.length) return false;
  return segmentRegex(part).test(path[s] as string) && matchSegments(pattern, p + 1, path, s + 1);
}

const cache = new Map<string, RegExp>();

function segmentRegex(part: string): RegExp {
  let regex = cache.get(part);
  if (regex === undefined) {
    regex = new RegExp(`^${segmentSource(part)}$`, "u");
    cache.set(part, regex);
  }
  return regex;
}

function segmentSource(part: string): string {
  let source = "";
  for (let i = 0; i < part.length; i++) {
    const char = part[i] as string;
    if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[") {
      const close = part.indexOf("]", i + 2);
      if (close < 0) {
        source += "\\[";
        continue;
      }
      let body = part.slice(i + 1, close);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      source += `[${negated ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else {
      source += char.replace(/[.+^${}()|\\\]]/g, "\\$&");
    }
  }
  return source;
}
