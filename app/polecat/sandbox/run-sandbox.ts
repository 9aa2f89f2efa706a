// A run's sandbox, from outside: the root-only sockets directory, the egress proxy for what
// `polecat.network` allows, the model proxy that holds the real key, and what every step's agent
// process is given in their place (the spec it is spawned in, the proxies' variables, a dummy key
// and the model proxy's address). One per run: the model proxy's meter counts the run's turns and
// spend across its steps, as the limits do.
import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { SandboxView } from "../heartbeat-output.js";
import type { PolecatLimits } from "../polecat-limits.js";
import type { PolecatWorkspace } from "../polecat-workspace.js";
import type { NetworkPolicy } from "./egress-policy.js";
import { startEgressProxy, type EgressProxy, type EgressProxyOptions, type EgressRefusal } from "./egress-proxy.js";
import type { ModelUsage } from "./model-meter.js";
import { startModelProxy, type ModelProxy, type ModelRefusal } from "./model-proxy.js";
import { agentBaseUrl, VENDOR_NAME, type ModelVendor } from "./model-vendors.js";
import { EGRESS_BRIDGE_PORT, MODEL_BRIDGE_PORT, workspaceSandboxSpec, type SandboxSpec } from "./sandbox-plan.js";

const EGRESS_PROXY_URL = `http://127.0.0.1:${EGRESS_BRIDGE_PORT}`;
const MODEL_PROXY_ORIGIN = `http://127.0.0.1:${MODEL_BRIDGE_PORT}`;

/**
 * Whose API each agent calls. A `command` agent is the team's own program: in the sandbox it gets
 * Anthropic's Messages API through the proxy (ANTHROPIC_BASE_URL and a dummy ANTHROPIC_API_KEY)
 * when the run has a key, and no model at all when it has none.
 */
const AGENT_VENDOR: Readonly<Record<PolecatLimits["agent"], ModelVendor>> = {
  claude: "anthropic", codex: "openai", gemini: "gemini", command: "anthropic",
};

/** What the agent is given to reach its model: never the real key. */
export interface ModelAccess {
  readonly apiKey: string;
  /** The API's base URL; the CLI's own default when undefined (no sandbox, no `model-base-url`). */
  readonly baseUrl?: string;
}

export interface RunSandboxOptions {
  readonly workspace: PolecatWorkspace;
  readonly limits: PolecatLimits;
  /** The model's real key; "" when the run has none (a `command` agent may not need one). */
  readonly apiKey: string;
  /** The action's `model-base-url`: the model proxy's upstream in place of the vendor's own host. */
  readonly modelBaseUrl: string | undefined;
  readonly clock: () => Date;
  /** Told of each refusal, for the run's log. */
  readonly log: { info(line: string): void; warning(line: string): void };
  /** Where the egress proxy resolves names and connects (tests send names to local servers). */
  readonly egress?: Pick<EgressProxyOptions, "resolve" | "connect">;
}

export class RunSandbox {
  private constructor(
    private readonly workspace: PolecatWorkspace,
    private readonly sockets: string,
    private readonly egress: EgressProxy,
    private readonly model: ModelProxy | null,
    private readonly vendor: ModelVendor,
    private readonly modelRefusals: readonly ModelRefusal[],
  ) {}

  static async start(options: RunSandboxOptions): Promise<RunSandbox> {
    const sockets = join(options.workspace.actionDir, "sockets");
    await mkdir(sockets, { mode: 0o700 });
    await chmod(sockets, 0o700);
    const { log } = options;
    const egress = await startEgressProxy({
      socket: join(sockets, "egress.sock"), policy: networkPolicy(options.limits.network), clock: options.clock, ...options.egress,
      onRefusal: (refusal: EgressRefusal) => log.warning(`The network proxy refused ${refusal.host}:${refusal.port}: ${refusal.reason}`),
    });
    const vendor = AGENT_VENDOR[options.limits.agent];
    const modelRefusals: ModelRefusal[] = [];
    let model: ModelProxy | null = null;
    try {
      model = options.apiKey === "" ? null : await startModelProxy({
        socket: join(sockets, "model.sock"), vendor, apiKey: options.apiKey, clock: options.clock,
        ...(options.modelBaseUrl === undefined ? {} : { upstream: options.modelBaseUrl }),
        allowedModels: options.limits.model === null ? null : [options.limits.model],
        limits: { maxTurns: options.limits.max_turns, maxCostUsd: options.limits.max_cost_usd },
        onRefusal: (refusal: ModelRefusal) => {
          modelRefusals.push(refusal);
          log.warning(`The model proxy refused a call (${refusal.status}): ${refusal.message}`);
        },
      });
    } catch (error) {
      await egress.close();
      throw error;
    }
    return new RunSandbox(options.workspace, sockets, egress, model, vendor, modelRefusals);
  }

  /** The agent's key and base URL: the proxy's dummy and address; null when the run has no model key. */
  modelAccess(): ModelAccess | null {
    return this.model === null ? null : { apiKey: this.model.dummyKey, baseUrl: agentBaseUrl(this.vendor, MODEL_PROXY_ORIGIN) };
  }

  /** Which vendor's API the model proxy fronts, by name, for the log. */
  describe(): string {
    const model = this.model === null ? "no model proxy (the run has no model key)" : `the model proxy in front of ${VENDOR_NAME[this.vendor]}'s API`;
    return `the network proxy and ${model}`;
  }

  /**
   * The proxy variables every agent process gets. Proxy-aware clients (curl, git, npm, pip, cargo,
   * Go, and Node from 24 with NODE_USE_ENV_PROXY) go through the egress proxy; the rest find no
   * route out at all. The model proxy's bridge is on 127.0.0.1, which no proxy is asked for.
   */
  environment(): Record<string, string> {
    return {
      HTTPS_PROXY: EGRESS_PROXY_URL, HTTP_PROXY: EGRESS_PROXY_URL, https_proxy: EGRESS_PROXY_URL, http_proxy: EGRESS_PROXY_URL,
      NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost",
      NODE_USE_ENV_PROXY: "1",
    };
  }

  /** What each step's process is spawned in: the workspace's sandbox, with `readOnly` and `writable` bound besides. */
  spec(more: { readonly readOnly: readonly string[]; readonly writable?: readonly string[] }): SandboxSpec {
    const spec = workspaceSandboxSpec(this.workspace, {
      readOnly: more.readOnly,
      sockets: this.sockets,
      bridges: [
        { port: EGRESS_BRIDGE_PORT, socket: this.egress.socket },
        ...(this.model === null ? [] : [{ port: MODEL_BRIDGE_PORT, socket: this.model.socket }]),
      ],
    });
    return { ...spec, writable: [...spec.writable, ...(more.writable ?? [])] };
  }

  /** Whether the model proxy meters this run: its counts are then the run's, not the agent's stream's. */
  meters(): boolean {
    return this.model !== null;
  }

  /** How many calls the model proxy has refused so far, and the last one's message. */
  modelRefused(): { readonly count: number; readonly last?: string } {
    const last = this.modelRefusals.at(-1);
    return { count: this.modelRefusals.length, ...(last ? { last: last.message } : {}) };
  }

  usage(): ModelUsage {
    return this.model?.usage() ?? { turns: 0, costUsd: 0, calls: 0, refused: 0 };
  }

  /** What the heartbeat shows. */
  view(): SandboxView {
    const usage = this.usage();
    return { turns: usage.turns, costUsd: usage.costUsd, refusals: this.egress.refusals(), moreRefusals: this.egress.droppedRefusals() };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.egress.close(), this.model?.close()]);
  }
}

function networkPolicy(network: PolecatLimits["network"]): NetworkPolicy {
  return network === "open" ? { kind: "open" } : { kind: "allow", hosts: network.allow };
}
