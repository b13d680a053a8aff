export type InboxRecord = { fresh: true } | { fresh: false; orderId: string };

/**
 * The inbox: the ids of the service messages already applied. `record` joins the unit of work,
 * so a message counts as processed exactly when its effect commits; a concurrent duplicate
 * waits on the key and then sees it taken. Callers hold the order's row lock.
 */
export abstract class ProcessedMessages {
  abstract record(messageId: string, orderId: string): Promise<InboxRecord>;
}
