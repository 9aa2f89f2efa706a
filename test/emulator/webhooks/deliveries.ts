// Sends webhook deliveries one at a time, in the order events happened, and keeps every one
// (sent, dropped or duplicated) for tests to read, with GitHub's record of each attempt at the
// webhook URL for the App to read. Sending is the only I/O here.
import type { DeliveryFault } from "../faults/plan.js";
import { attemptOf, type DeliveryAttempt } from "./delivery-attempts.js";
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
  /**
   * What became of GitHub's own sending: "sent" (each attempt's status in `statuses`), "dropped"
   * by a fault, or "unsent" with no URL. A redelivery asked for later leaves it as it was.
   */
  fate: "sent" | "dropped" | "unsent";
  /** The receiver's status for each attempt sent, redeliveries too (0 when nothing answered); a dropped one adds none. */
  statuses: number[];
};

export type DeliveryOptions = {
  secret: string;
  appId: number;
  hookId: number;
  url: () => string | undefined;
  /** Whether the receiver is down: an attempt then fails to connect, with no request made and no problem reported. */
  down?: () => boolean;
  /** The emulator's clock: when each attempt was made and how long it took. */
  clock: () => Date;
  takeFault: (event: string) => DeliveryFault | undefined;
  report: (problem: string) => void;
};

/** One try at the webhook URL: GitHub's own (`redelivery` false) or one the API asked for. */
type Attempt = { redelivery: boolean; lost: boolean };

export class DeliveryQueue {
  readonly deliveries: Delivery[] = [];
  /** Every attempt made at the webhook URL, oldest first, as GitHub records it. */
  readonly attempts: DeliveryAttempt[] = [];
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
      // GitHub tried and the receiver never got it: a failed attempt, nothing sent.
      delivery.fate = "dropped";
      this.queue(delivery, { redelivery: false, lost: true });
      return delivery;
    }
    this.queue(delivery, { redelivery: false, lost: false });
    // A duplicate is GitHub's own second try, which the App cannot tell from the first.
    if (fault?.kind === "duplicate-delivery") this.queue(delivery, { redelivery: false, lost: false });
    return delivery;
  }

  /**
   * Sends again the delivery whose attempt has this id (same id, body and signatures), behind
   * the queued ones; false when there is no such attempt. Planned faults are not taken: they
   * stand for GitHub's own sending.
   */
  redeliver(attemptId: number): boolean {
    const guid = this.attempts.find((attempt) => attempt.id === attemptId)?.guid;
    const delivery = this.deliveries.find((d) => d.id === guid);
    if (delivery === undefined) return false;
    this.queue(delivery, { redelivery: true, lost: false });
    return true;
  }

  /** Resolves once every queued delivery has been sent (or has failed). */
  settled(): Promise<void> {
    return this.chain;
  }

  private queue(delivery: Delivery, attempt: Attempt): void {
    this.chain = this.chain.then(() => this.send(delivery, attempt));
  }

  private async send(delivery: Delivery, attempt: Attempt): Promise<void> {
    const url = this.options.url();
    // With no URL the deliveries are the test's to hand over; GitHub made no attempt to record.
    if (url === undefined) return;
    const started = this.options.clock();
    const down = this.options.down?.() === true;
    if (down && delivery.fate === "unsent") delivery.fate = "dropped";
    const statusCode = attempt.lost || down ? 0 : await this.post(url, delivery);
    const seconds = (this.options.clock().getTime() - started.getTime()) / 1000;
    const deliveredAt = started.toISOString().replace(/\.\d{3}Z$/, "Z");
    this.attempts.push(attemptOf(this.attempts.length + 1, delivery, { deliveredAt, seconds, statusCode, redelivery: attempt.redelivery }));
  }

  /** Posts the delivery; the receiver's status, or 0 when nothing answered. */
  private async post(url: string, delivery: Delivery): Promise<number> {
    if (delivery.fate === "unsent") delivery.fate = "sent";
    try {
      // GitHub gives a receiver 10 seconds to answer before it counts the delivery as failed.
      // https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks#respond-within-10-seconds
      const response = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      await response.arrayBuffer();
      delivery.statuses.push(response.status);
      return response.status;
    } catch (error) {
      // GitHub records a failed delivery and moves on; the test sees status 0.
      delivery.statuses.push(0);
      this.options.report(`webhook ${delivery.event} ${delivery.id} could not be delivered: ${String(error)}`);
      return 0;
    }
  }
}
