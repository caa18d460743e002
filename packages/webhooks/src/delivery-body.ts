/**
 * The body of a delivery, in the Standard Webhooks payload shape: the event
 * name, when it happened, and what the system recorded about it. The same
 * bytes on every attempt, so a receiver's signature check and its
 * de-duplication (by webhook-id) see one message.
 */
export function deliveryBody(delivery: { event: string; createdAt: Date; payload: unknown }): string {
  return JSON.stringify({ type: delivery.event, timestamp: delivery.createdAt.toISOString(), data: delivery.payload });
}
