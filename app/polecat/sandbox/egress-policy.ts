// Where a sandboxed agent may connect out, decided without touching the network. The egress proxy
// (egress-proxy.ts) asks this module three questions for each CONNECT: may this host and port be
// asked for at all, does a resolved address lead somewhere the agent must not reach, and (for
// the config) is an allow entry well formed. Pure.
//
// `polecat.network.allow` holds host names (`registry.npmjs.org`) or `*.suffix` (any name below
// suffix, not suffix itself), matched without regard to case or a trailing dot. `polecat.network:
// open` lifts only that list: the port, IP literal, address and TLS server name checks stay, since
// they are what keeps the agent off the runner, its cloud's metadata service and the local network.

/** `allow`: only these hosts (or `*.suffix`); `open`: any host name, the other checks still apply. */
export type NetworkPolicy = { readonly kind: "open" } | { readonly kind: "allow"; readonly hosts: readonly string[] };

/** HTTPS only: registries are all served on 443, and one port leaves nothing else to probe. */
export const EGRESS_PORT = 443;

/** Where the allow-list is set, for messages to the agent and to the team. */
export const NETWORK_ALLOW_SETTING = "polecat.network.allow";

/**
 * The package registries of the common ecosystems, so `npm ci`, `pip install`, `cargo build`, `go
 * mod download`, `bundle install`, Maven/Gradle and `dotnet restore` work with no setting.
 *
 * Chosen host by host, exact names only (no `*.`: a wildcard on a shared domain admits every
 * tenant on it), for fetching packages and nothing else:
 * - No GitHub host at all (github.com, api.github.com, codeload.github.com,
 *   raw/objects.githubusercontent.com). GitHub takes writes from anyone holding a token, and a
 *   prompt-injected agent can be handed the attacker's own token: a `git push` to the attacker's
 *   repository would carry the code out. Dependencies fetched from GitHub (npm `github:` specs,
 *   Go modules outside the proxy, Composer dists, cargo's old git index) fail until the team adds
 *   the host.
 * - Upload and account endpoints stay out where they have a host of their own: upload.pypi.org,
 *   crates.io (cargo's API: publish, yank, owners; crates download from static.crates.io),
 *   www.nuget.org (push). Where the same host serves downloads and uploads (registry.npmjs.org,
 *   rubygems.org) an upload with a token the attacker supplies cannot be told apart from here:
 *   what the proxy sees is only the host name; the README says so.
 * - proxy.golang.org and sum.golang.org fetch any public module path on demand, so a module path
 *   can carry a little data to a server its author runs; Go modules do not work without them.
 */
export const DEFAULT_NETWORK_ALLOW: readonly string[] = [
  // JavaScript: npm, Yarn 1's mirror of it, Yarn 2+ itself (corepack); node-gyp's headers for native addons.
  "registry.npmjs.org", "registry.yarnpkg.com", "repo.yarnpkg.com", "nodejs.org",
  // Python: the index and the files it points at.
  "pypi.org", "files.pythonhosted.org",
  // Rust: the sparse index, crate downloads, and rustup's toolchains for a rust-toolchain file.
  "index.crates.io", "static.crates.io", "static.rust-lang.org",
  // Go: the module proxy (toolchains too) and the checksum database.
  "proxy.golang.org", "sum.golang.org",
  // Ruby: gems and Bundler's compact index.
  "rubygems.org", "index.rubygems.org",
  // JVM: Maven Central, the Gradle plugin portal and its artifacts, the Gradle wrapper's distributions.
  "repo.maven.apache.org", "repo1.maven.org", "plugins.gradle.org", "plugins-artifacts.gradle.org",
  "services.gradle.org", "downloads.gradle.org",
  // .NET: NuGet's v3 API and package downloads.
  "api.nuget.org",
];

const MAX_NAME_LENGTH = 253;
/** Past a host's longest, what an agent sent is not repeated in full (it ends up in the heartbeat). */
const MAX_SHOWN_CHARS = 260;
const MAX_LABEL_LENGTH = 63;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Lower case, without a trailing dot: the one spelling hosts are compared in. */
export function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, "");
}

/** Whether `host` is an IP address in any form a resolver would take: v4 (also `0x7f000001`, `2130706433`, `0177.1`), v6, bracketed. */
export function isIpLiteral(host: string): boolean {
  const name = normalHost(host);
  if (name.startsWith("[") || name.includes(":")) return true;
  // WHATWG URL's rule, and what getaddrinfo does with inet_aton: a name whose last label is a
  // number (decimal, octal or 0x hex) is an IPv4 address, however it is spelled.
  const last = name.split(".").pop() ?? "";
  return /^(?:0x[0-9a-f]*|[0-9]+)$/.test(last);
}

/** Why `host` is no host name the proxy would look up, or undefined. IP literals are not host names. */
export function hostNameProblem(host: string): string | undefined {
  if (host.trim() === "") return "is empty";
  if (/[^\x21-\x7e]/.test(host)) {
    return /[^\p{ASCII}]/u.test(host) ? "is not ASCII: write an international name in its xn-- form" : "has a space or control character";
  }
  if (isIpLiteral(host)) return "is an IP address: the sandbox reaches host names only, which the proxy resolves itself";
  const name = normalHost(host);
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  const labels = name.split(".");
  if (labels.length < 2) return "is a single label: write the full name, such as registry.npmjs.org";
  const bad = labels.find((label) => label.length > MAX_LABEL_LENGTH || !LABEL.test(label));
  if (bad !== undefined) {
    return `is not a host name (label "${bad}": letters, digits and inner '-' only, at most ${MAX_LABEL_LENGTH} characters)`;
  }
  return undefined;
}

/** Why `entry` cannot be an allow entry, or undefined: a host name or `*.` and one, nothing else. */
export function allowEntryProblem(entry: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return "is a URL: write the host name alone, such as registry.npmjs.org";
  if (/^[^:[\]]+:[0-9]*$/.test(entry)) return "has a port: the sandbox reaches port 443 only, so write the host name alone";
  if (/^[^/]+\/./.test(entry)) return "has a path: hosts are allowed whole, so write the host name alone";
  if (entry === "*" || entry === "*.") return "allows every host: write `polecat.network: open` to lift the list";
  const wildcard = entry.startsWith("*.");
  const name = wildcard ? entry.slice(2) : entry;
  if (name.includes("*")) return "has a * that is not a leading `*.`: write a host name or *.suffix";
  if (wildcard && /^[a-z0-9-]+\.?$/i.test(name)) return "allows a whole top-level domain";
  return hostNameProblem(name);
}

/** One message per bad entry, naming the setting and the entry's index, for the config's errors. */
export function networkAllowProblems(entries: readonly string[], field = NETWORK_ALLOW_SETTING): string[] {
  return entries.flatMap((entry, index) => {
    const problem = allowEntryProblem(entry);
    return problem === undefined ? [] : [`${field}[${index}]: "${entry}" ${problem}`];
  });
}

/** Whether `host` is one `entry` allows: the same name, or for `*.suffix` any name below it. */
export function hostMatches(entry: string, host: string): boolean {
  const name = normalHost(host);
  const pattern = normalHost(entry);
  if (pattern.startsWith("*.")) return name.endsWith(pattern.slice(1));
  return name === pattern;
}

/** Why a CONNECT to `host:port` is refused before any name is looked up, or undefined. */
export function requestRefusal(policy: NetworkPolicy, host: string, port: number): string | undefined {
  if (port !== EGRESS_PORT) return `port ${port} is not allowed: the sandbox reaches HTTPS on port ${EGRESS_PORT} only`;
  const problem = hostNameProblem(host);
  if (problem !== undefined) return `${JSON.stringify(clip(host))} ${problem}`;
  if (policy.kind === "allow" && !policy.hosts.some((entry) => hostMatches(entry, host))) {
    return `${normalHost(host)} is not in ${NETWORK_ALLOW_SETTING}`;
  }
  return undefined;
}

/** `text` as the proxy repeats it: agent-chosen, so at most a little over a host name's length. */
export function clip(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
}

/** What kind of address the agent must not reach `address` is, or undefined when it may. Unparsable: refused. */
export function refusedAddressKind(address: string): string | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return ipv4Kind(v4);
  // A zone (`fe80::1%eth0`) names an interface; the address is what is classified.
  const v6 = parseIpv6(address.replace(/%.*$/, ""));
  if (v6 !== undefined) return ipv6Kind(v6);
  return "not an IP address";
}

interface Range {
  readonly base: number;
  readonly bits: number;
  readonly kind: string;
}

const v4 = (dotted: string, bits: number, kind: string): Range => ({ base: parseIpv4(dotted) as number, bits, kind });

// Most specific first: the first range that holds an address names it. IANA's special-purpose
// registry, and the cloud addresses a runner VM can reach without leaving its host.
const IPV4_REFUSED: readonly Range[] = [
  v4("169.254.169.254", 32, "the cloud metadata address"),
  // Azure's platform address (DNS, DHCP, the VM agent's wire server); GitHub's hosted runners are Azure VMs.
  v4("168.63.129.16", 32, "the Azure platform address"),
  v4("255.255.255.255", 32, "the broadcast address"),
  v4("0.0.0.0", 32, "the unspecified address"),
  v4("0.0.0.0", 8, "a \"this network\" address"),
  v4("10.0.0.0", 8, "a private address"),
  v4("100.64.0.0", 10, "a shared (carrier-grade NAT) address"),
  v4("127.0.0.0", 8, "a loopback address"),
  v4("169.254.0.0", 16, "a link-local address"),
  v4("172.16.0.0", 12, "a private address"),
  v4("192.0.0.0", 24, "a reserved address"),
  v4("192.0.2.0", 24, "a documentation address"),
  v4("192.88.99.0", 24, "a reserved address"),
  v4("192.168.0.0", 16, "a private address"),
  v4("198.18.0.0", 15, "a benchmarking address"),
  v4("198.51.100.0", 24, "a documentation address"),
  v4("203.0.113.0", 24, "a documentation address"),
  v4("224.0.0.0", 4, "a multicast address"),
  v4("240.0.0.0", 4, "a reserved address"),
];

function ipv4Kind(address: number): string | undefined {
  return IPV4_REFUSED.find((range) => address >>> (32 - range.bits) === range.base >>> (32 - range.bits))?.kind;
}

/** A dotted quad of decimal octets, as resolvers write addresses, as a 32-bit number. */
function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^(?:0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** Eight 16-bit groups, `::` expanded and a trailing dotted quad read as the last two. */
function parseIpv6(text: string): number[] | undefined {
  let tail: number[] = [];
  let head = text;
  const quad = /(?:^|:)([0-9.]+)$/.exec(text);
  if (quad?.[1]?.includes(".")) {
    const value = parseIpv4(quad[1]);
    if (value === undefined) return undefined;
    tail = [value >>> 16, value & 0xffff];
    head = text.slice(0, text.length - quad[1].length);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half === undefined || half === "" ? [] : half.split(":"));
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  if (![...left, ...right].every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  const given = left.length + right.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const zeros = new Array<number>(8 - given).fill(0);
  return [...left.map((g) => parseInt(g, 16)), ...zeros, ...right.map((g) => parseInt(g, 16)), ...tail];
}

function ipv6Kind(groups: readonly number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  // An IPv6 address that carries an IPv4 one reaches that one: it is refused as that one is.
  const carried = (high: number, low: number, how: string) => {
    const kind = ipv4Kind(high * 65536 + low);
    return kind === undefined ? undefined : `${kind} (${how})`;
  };
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0xffff) return carried(g6, g7, "IPv4-mapped");
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 0) return "the unspecified address";
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 1) return "a loopback address";
  // NAT64's well-known prefix holds the IPv4 address in its last 32 bits, 6to4 in bits 16 to 48.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return carried(g6, g7, "through NAT64");
  if (g0 === 0x2002) return carried(g1, g2, "through 6to4");
  if ((g0 & 0xfe00) === 0xfc00) return "a private (unique local) address";
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g0 & 0xffc0) === 0xfec0) return "a private (site-local) address";
  if ((g0 & 0xff00) === 0xff00) return "a multicast address";
  // Teredo hides the IPv4 address it reaches (XORed), so none is let through.
  if (g0 === 0x2001 && g1 === 0) return "a Teredo address";
  if (g0 === 0x2001 && g1 === 0xdb8) return "a documentation address";
  // Everything else outside global unicast (2000::/3): IPv4-compatible, discard-only, unassigned.
  if ((g0 & 0xe000) !== 0x2000) return "a reserved address";
  return undefined;
}
