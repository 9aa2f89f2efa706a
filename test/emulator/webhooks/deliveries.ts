// Sends webhook deliveries one at a time, in the order events happened, and keeps every one
// (sent, dropped or duplicated) for tests to read. Sending is the only I/O here.
import type { DeliveryFault } from "../faults/plan.js";
import { signatureSha1, signatureSha256 } from "./sign.js";

const DELIVERY_TIMEOUT_MS = 10_000;

export type Delivery = {
  /** X-GitHub-Delivery; a redelivery (and so a duplicate) keeps it. */
  id: string;
  event: string;
  action: string | undefined;
  payload: Record<string, unknown>;
  /** The exact bytes sent and signed. */
  body: string;
  headers: Record<string, string>;
  /** "sent" (each attempt's status in `statuses`), "dropped" by a fault, or "unsent" with no URL. */
  fate: "sent" | "dropped" | "unsent";
  statuses: number[];
};

export type DeliveryOptions = {
  secret: string;
  appId: number;
  hookId: number;
  url: () => string | undefined;
  takeFault: (event: string) => DeliveryFault | undefined;
  report: (problem: string) => void;
};

export class DeliveryQueue {
  readonly deliveries: Delivery[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: DeliveryOptions) {}

  /** Records a delivery and queues it behind the earlier ones. */
  enqueue(id: string, event: string, action: string | undefined, payload: Record<string, unknown>): Delivery {
    const body = JSON.stringify(payload);
    const delivery: Delivery = {
      id,
      event,
      action,
      payload,
      body,
      // The headers GitHub sends with each delivery.
      // https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
      headers: {
        "content-type": "application/json",
        "user-agent": `GitHub-Hookshot/emulator`,
        "x-github-delivery": id,
        "x-github-event": event,
        "x-github-hook-id": String(this.options.hookId),
        "x-github-hook-installation-target-id": String(this.options.appId),
        "x-github-hook-installation-target-type": "integration",
        "x-hub-signature": signatureSha1(this.options.secret, body),
        "x-hub-signature-256": signatureSha256(this.options.secret, body),
      },
      fate: "unsent",
      statuses: [],
    };
    this.deliveries.push(delivery);
    const fault = this.options.takeFault(event);
    if (fault?.kind === "drop-delivery") {
      delivery.fate = "dropped";
      return delivery;
    }
    const attempts = fault?.kind === "duplicate-delivery" ? 2 : 1;
    this.chain = this.chain.then(async () => {
      for (let attempt = 0; attempt < attempts; attempt++) await this.send(delivery);
    });
    return delivery;
  }

  /** Resolves once every queued delivery has been sent (or has failed). */
  settled(): Promise<void> {
    return this.chain;
  }

  private async send(delivery: Delivery): Promise<void> {
    const url = this.options.url();
    if (url === undefined) return;
    delivery.fate = "sent";
    try {
      // GitHub gives a receiver 10 seconds to answer before it counts the delivery as failed.
      // https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks#respond-within-10-seconds
      const response = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      await response.arrayBuffer();
      delivery.statuses.push(response.status);
    } catch (error) {
      // GitHub records a failed delivery and moves on; the test sees status 0.
      delivery.statuses.push(0);
      this.options.report(`webhook ${delivery.event} ${delivery.id} could not be delivered: ${String(error)}`);
    }
  }
}
