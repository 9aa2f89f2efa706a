// The values of a path template's parameters in a request path, decoded. A trailing {path},
// {ref} or {branch} takes the rest of the path (slashes included), as GitHub's router does;
// "{base}...{head}" is split at its three dots.
export function routeParams(pathTemplate: string, path: string): Record<string, string> {
  const names = pathTemplate.split("/").slice(1);
  const values = path.split("/").slice(1);
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    if (!name.startsWith("{")) return;
    const isLast = i === names.length - 1;
    const raw = isLast ? values.slice(i).join("/") : (values[i] ?? "");
    const value = decodeURIComponent(raw);
    const triple = /^\{(\w+)\}\.\.\.\{(\w+)\}$/.exec(name);
    if (triple) {
      const [base, head] = splitBaseHead(value);
      params[triple[1] as string] = base;
      params[triple[2] as string] = head;
    } else {
      params[name.slice(1, -1)] = value;
    }
  });
  return params;
}

/** "main...topic" → ["main", "topic"]. */
export function splitBaseHead(value: string): [string, string] {
  const at = value.indexOf("...");
  return at < 0 ? [value, ""] : [value.slice(0, at), value.slice(at + 3)];
}
