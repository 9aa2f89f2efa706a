// The egress policy: which hosts match the allow-list, which entries are refused and why, which
// hosts are IP literals in disguise, and which resolved addresses lead somewhere the agent must
// not go.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_NETWORK_ALLOW, allowEntryProblem, hostMatches, isIpLiteral, networkAllowProblems, refusedAddressKind,
  requestRefusal, type NetworkPolicy,
} from "../../app/polecat/sandbox/egress-policy.js";

const allow = (...hosts: string[]): NetworkPolicy => ({ kind: "allow", hosts });

describe("the default allow-list", () => {
  it("holds the package registries, every entry valid, and no GitHub host", () => {
    expect(DEFAULT_NETWORK_ALLOW).toEqual(expect.arrayContaining([
      "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "index.crates.io", "static.crates.io",
      "proxy.golang.org", "sum.golang.org", "rubygems.org", "repo.maven.apache.org", "repo1.maven.org",
      "plugins.gradle.org", "api.nuget.org",
    ]));
    expect(networkAllowProblems(DEFAULT_NETWORK_ALLOW)).toEqual([]);
    expect(new Set(DEFAULT_NETWORK_ALLOW).size).toBe(DEFAULT_NETWORK_ALLOW.length);
    const policy = allow(...DEFAULT_NETWORK_ALLOW);
    for (const host of ["github.com", "api.github.com", "codeload.github.com", "raw.githubusercontent.com",
      "objects.githubusercontent.com", "upload.pypi.org", "crates.io", "www.nuget.org"]) {
      expect(requestRefusal(policy, host, 443)).toBe(`${host} is not in polecat.network.allow`);
    }
  });
});

describe("host matching", () => {
  it("matches a host exactly, without regard to case or a trailing dot", () => {
    expect(hostMatches("registry.npmjs.org", "registry.npmjs.org")).toBe(true);
    expect(hostMatches("registry.npmjs.org", "Registry.NPMJS.org.")).toBe(true);
    expect(hostMatches("Registry.npmjs.org.", "registry.npmjs.org")).toBe(true);
    expect(hostMatches("registry.npmjs.org", "npmjs.org")).toBe(false);
    expect(hostMatches("registry.npmjs.org", "x.registry.npmjs.org")).toBe(false);
    expect(hostMatches("registry.npmjs.org", "registry.npmjs.org.evil.example")).toBe(false);
  });

  it("reads *.suffix as any name below suffix, not suffix itself nor a name that merely ends alike", () => {
    expect(hostMatches("*.example.com", "a.example.com")).toBe(true);
    expect(hostMatches("*.example.com", "a.b.EXAMPLE.com.")).toBe(true);
    expect(hostMatches("*.example.com", "example.com")).toBe(false);
    expect(hostMatches("*.example.com", "badexample.com")).toBe(false);
    expect(hostMatches("*.Example.COM.", "a.example.com")).toBe(true);
  });
});

describe("allow entries", () => {
  it("takes host names and *.suffix", () => {
    for (const entry of ["registry.npmjs.org", "Registry.NPMJS.org.", "*.example.com", "xn--bcher-kva.example", "a-b.c-d.io"]) {
      expect(allowEntryProblem(entry)).toBeUndefined();
    }
  });

  it("says what is wrong with any other entry", () => {
    expect(allowEntryProblem("https://registry.npmjs.org")).toBe("is a URL: write the host name alone, such as registry.npmjs.org");
    expect(allowEntryProblem("registry.npmjs.org:443")).toBe("has a port: the sandbox reaches port 443 only, so write the host name alone");
    expect(allowEntryProblem("example.com/path")).toBe("has a path: hosts are allowed whole, so write the host name alone");
    expect(allowEntryProblem("*")).toBe("allows every host: write `polecat.network: open` to lift the list");
    expect(allowEntryProblem("*.com")).toBe("allows a whole top-level domain");
    expect(allowEntryProblem("a.*.example.com")).toBe("has a * that is not a leading `*.`: write a host name or *.suffix");
    expect(allowEntryProblem("**.example.com")).toBe("has a * that is not a leading `*.`: write a host name or *.suffix");
    expect(allowEntryProblem("")).toBe("is empty");
    expect(allowEntryProblem("exa mple.com")).toBe("has a space or control character");
    expect(allowEntryProblem("bücher.example")).toBe("is not ASCII: write an international name in its xn-- form");
    expect(allowEntryProblem("localhost")).toBe("is a single label: write the full name, such as registry.npmjs.org");
    expect(allowEntryProblem("-bad.example.com")).toBe(
      "is not a host name (label \"-bad\": letters, digits and inner '-' only, at most 63 characters)");
    expect(allowEntryProblem("under_score.example.com")).toBe(
      "is not a host name (label \"under_score\": letters, digits and inner '-' only, at most 63 characters)");
    expect(allowEntryProblem(`${"a".repeat(64)}.example.com`)).toBe(
      `is not a host name (label "${"a".repeat(64)}": letters, digits and inner '-' only, at most 63 characters)`);
    expect(allowEntryProblem(`${"abcdefghi.".repeat(26)}com`)).toBe("is longer than 253 characters");
    const ip = "is an IP address: the sandbox reaches host names only, which the proxy resolves itself";
    for (const entry of ["10.0.0.1", "::1", "[::1]", "0x7f000001", "*.10.0.0.1"]) expect(allowEntryProblem(entry)).toBe(ip);
  });

  it("names the setting and the entry's index for the config's errors", () => {
    expect(networkAllowProblems(["pypi.org", "https://x.example", "*"])).toEqual([
      'polecat.network.allow[1]: "https://x.example" is a URL: write the host name alone, such as registry.npmjs.org',
      'polecat.network.allow[2]: "*" allows every host: write `polecat.network: open` to lift the list',
    ]);
    expect(networkAllowProblems(["10.1.2.3"], "network.allow")).toEqual([
      'network.allow[0]: "10.1.2.3" is an IP address: the sandbox reaches host names only, which the proxy resolves itself',
    ]);
  });
});

describe("IP literals", () => {
  it("are found in every spelling a resolver takes", () => {
    for (const host of ["127.0.0.1", "10.0.0.1.", "0x7f000001", "0X7F000001", "2130706433", "0177.0.0.1", "127.1", "0x7f.1",
      "::1", "[::1]", "::ffff:127.0.0.1", "fe80::1%eth0", "example.0x10", "example.123"]) {
      expect(isIpLiteral(host), host).toBe(true);
    }
    for (const host of ["registry.npmjs.org", "1e100.net", "0x.example.com", "123.example.com", "v4.ipv6-test.com"]) {
      expect(isIpLiteral(host), host).toBe(false);
    }
  });
});

describe("a request", () => {
  const policy = allow("registry.npmjs.org", "*.pythonhosted.org");

  it("is allowed to port 443 of an allowed host", () => {
    expect(requestRefusal(policy, "registry.npmjs.org", 443)).toBeUndefined();
    expect(requestRefusal(policy, "REGISTRY.npmjs.org.", 443)).toBeUndefined();
    expect(requestRefusal(policy, "files.pythonhosted.org", 443)).toBeUndefined();
  });

  it("is refused to another port, an IP literal, a non-name or a host not on the list", () => {
    expect(requestRefusal(policy, "registry.npmjs.org", 80)).toBe("port 80 is not allowed: the sandbox reaches HTTPS on port 443 only");
    expect(requestRefusal(policy, "0x7f000001", 443)).toBe(
      '"0x7f000001" is an IP address: the sandbox reaches host names only, which the proxy resolves itself');
    expect(requestRefusal(policy, "reg\u0000istry.npmjs.org", 443)).toBe('"reg\\u0000istry.npmjs.org" has a space or control character');
    expect(requestRefusal(policy, "evil.example", 443)).toBe("evil.example is not in polecat.network.allow");
    expect(requestRefusal(policy, "pythonhosted.org", 443)).toBe("pythonhosted.org is not in polecat.network.allow");
  });

  it("under open, is allowed to any host name, and still refused to another port or an IP literal", () => {
    const open: NetworkPolicy = { kind: "open" };
    expect(requestRefusal(open, "evil.example", 443)).toBeUndefined();
    expect(requestRefusal(open, "evil.example", 22)).toBe("port 22 is not allowed: the sandbox reaches HTTPS on port 443 only");
    expect(requestRefusal(open, "169.254.169.254", 443)).toBe(
      '"169.254.169.254" is an IP address: the sandbox reaches host names only, which the proxy resolves itself');
  });

  it("clips a long host in its reason", () => {
    const host = `${"a".repeat(300)}.example`;
    expect(requestRefusal(policy, host, 443)).toBe(`"${"a".repeat(260)}…" is longer than 253 characters`);
  });
});

describe("a resolved address", () => {
  it("is allowed when it is public unicast", () => {
    for (const address of ["104.16.1.35", "151.101.0.223", "8.8.8.8", "2606:4700::6810:123", "2a04:4e42::223",
      "::ffff:104.16.1.35", "64:ff9b::6810:123", "2002:6810:0123::1"]) {
      expect(refusedAddressKind(address), address).toBeUndefined();
    }
  });

  it("is refused, and named, when it is loopback, private, link-local or otherwise not public", () => {
    const refused: Record<string, string> = {
      "127.0.0.1": "a loopback address",
      "127.255.0.9": "a loopback address",
      "10.1.2.3": "a private address",
      "172.16.0.1": "a private address",
      "172.31.255.255": "a private address",
      "192.168.1.1": "a private address",
      "169.254.169.254": "the cloud metadata address",
      "169.254.0.1": "a link-local address",
      "168.63.129.16": "the Azure platform address",
      "0.0.0.0": "the unspecified address",
      "0.1.2.3": 'a "this network" address',
      "100.64.0.1": "a shared (carrier-grade NAT) address",
      "100.127.255.255": "a shared (carrier-grade NAT) address",
      "224.0.0.1": "a multicast address",
      "239.255.255.250": "a multicast address",
      "240.0.0.1": "a reserved address",
      "255.255.255.255": "the broadcast address",
      "192.0.0.192": "a reserved address",
      "192.0.2.1": "a documentation address",
      "198.18.0.1": "a benchmarking address",
      "::1": "a loopback address",
      "::": "the unspecified address",
      "0:0:0:0:0:0:0:1": "a loopback address",
      "fc00::1": "a private (unique local) address",
      "fd00:ec2::254": "a private (unique local) address",
      "fe80::1": "a link-local address",
      "fe80::1%eth0": "a link-local address",
      "febf::1": "a link-local address",
      "fec0::1": "a private (site-local) address",
      "ff02::1": "a multicast address",
      "::ffff:127.0.0.1": "a loopback address (IPv4-mapped)",
      "::ffff:7f00:1": "a loopback address (IPv4-mapped)",
      "::ffff:169.254.169.254": "the cloud metadata address (IPv4-mapped)",
      "::ffff:10.0.0.1": "a private address (IPv4-mapped)",
      "64:ff9b::a9fe:a9fe": "the cloud metadata address (through NAT64)",
      "2002:7f00:1::": "a loopback address (through 6to4)",
      "2001:0:4136:e378:8000:63bf:3fff:fdd2": "a Teredo address",
      "2001:db8::1": "a documentation address",
      "::127.0.0.1": "a reserved address",
      "100::1": "a reserved address",
      "64:ff9b:1::1": "a reserved address",
    };
    for (const [address, kind] of Object.entries(refused)) expect(refusedAddressKind(address), address).toBe(kind);
  });

  it("is refused when it is no address at all", () => {
    for (const address of ["", "localhost", "1.2.3", "256.1.1.1", "01.2.3.4", "1::2::3", "1:2:3:4:5:6:7:8:9", "::fffff:1", "::ffff:1.2.3"]) {
      expect(refusedAddressKind(address), address).toBe("not an IP address");
    }
  });
});
