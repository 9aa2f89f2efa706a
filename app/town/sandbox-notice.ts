// What the App says wherever it shows a polecat's work when the repository has weakened the
// polecat sandbox (issue 15): `polecat.sandbox: off` runs the agent unisolated, `polecat.network:
// open` lets it reach any host. A person reading a status, a `/peek` or a pull request must see
// it plainly, not find it in a config file.
//
// The setting shown is the repository's config when the text is written, not the limits the bead
// was dispatched with: the hook keeps only their hash (DESIGN §7), so the App cannot read them
// back. The two agree unless the config changed after the dispatch: a hooked status is written
// by the event that dispatched, while a text about an exit, written later, would then show the
// setting the next attempt gets rather than the one the last attempt had.
import type { GastownConfig } from "../config/config-schema.js";

export type SandboxSettings = Pick<GastownConfig["polecat"], "sandbox" | "network">;

const SANDBOX_OFF_NOTICE =
  "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).";
const NETWORK_OPEN_NOTICE =
  "⚠️ **Network open**: the agent can reach any public host (`polecat.network: open`).";

/**
 * The paragraph to show, or undefined when the sandbox is whole. With the sandbox off the
 * network setting is moot (no proxy stands between the agent and the runner's network), so
 * only that is said.
 */
export function sandboxNotice(settings: SandboxSettings | undefined): string | undefined {
  if (settings === undefined) return undefined;
  if (settings.sandbox === "off") return SANDBOX_OFF_NOTICE;
  return settings.network === "open" ? NETWORK_OPEN_NOTICE : undefined;
}

/** The notice as a paragraph to follow a text's first one (a blank line and the notice), or nothing. */
export function sandboxParagraph(settings: SandboxSettings | undefined): string[] {
  const notice = sandboxNotice(settings);
  return notice === undefined ? [] : ["", notice];
}
