import type { DeliveryMessage, DeliveryQueue, RecoveryJobMessage } from '../../shared/ports/webhook-store.js';

/** {@link DeliveryQueue} in memory: the messages sent, in order (the SQS adapter sends them 10 a call). */
export class MemoryDeliveryQueue implements DeliveryQueue {
  readonly messages: (DeliveryMessage | RecoveryJobMessage)[] = [];

  async enqueue(messages: readonly (DeliveryMessage | RecoveryJobMessage)[]): Promise<void> {
    this.messages.push(...structuredClone(messages));
  }
}
