// Which hosts a sandboxed agent may reach through the egress proxy (`polecat.network`, DESIGN
// §7): the package registries of the common ecosystems unless the repository says otherwise,
// and what an entry of an allow-list may be. Pure: the proxy and the config both read it.

/** The default allow-list: enough for `npm ci` and `pip install`, nothing an agent could post to. */
export const DEFAULT_NETWORK_ALLOW: readonly string[] = ["registry.npmjs.org", "pypi.org", "files.pythonhosted.org"];

// A DNS label: letters, digits and '-', neither first nor last, at most 63 characters.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/** The longest name DNS allows. */
const MAX_HOST_LENGTH = 253;

/**
 * Why `entry` cannot be on an allow-list, or null when it can: a host name (`pypi.org`) or `*.`
 * and a host name (`*.githubusercontent.com`, its subdomains). The proxy matches names, so a
 * scheme, port or path would never match, and an IP literal would skip the name check.
 */
export function allowEntryProblem(entry: string): string | null {
  const host = entry.startsWith("*.") ? entry.slice(2) : entry;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return `"${entry}" has a scheme: write the host name alone`;
  if (host.includes("/")) return `"${entry}" has a path: write the host name alone`;
  // An IPv6 address has colons (and brackets in a URL); a name with one colon has a port.
  if (host.startsWith("[") || host.split(":").length > 2) return `"${entry}" is an IP address: write a host name`;
  if (host.includes(":")) return `"${entry}" has a port: write the host name alone (the proxy reaches port 443 only)`;
  const labels = host.split(".");
  if (host.length > MAX_HOST_LENGTH || !labels.every((label) => LABEL.test(label))) {
    return `"${entry}" is not a host name (letters, digits, '-' and dots) or *. and a host name`;
  }
  // A name whose last label is a number is an IPv4 address, as URL parsers read it (1.2.3.4, 0x7f.1).
  if (/^(?:\d+|0x[0-9a-f]*)$/i.test(labels.at(-1) ?? "")) return `"${entry}" is an IP address: write a host name`;
  if (labels.length < 2) return `"${entry}" is not a public host name (it has no dot)`;
  return null;
}
