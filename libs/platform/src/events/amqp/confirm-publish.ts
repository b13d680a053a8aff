import type { ConfirmChannel, Options } from 'amqplib';

/** Publishes on a raw confirm channel; resolves on the broker's ack, rejects on nack or close. */
export function confirmPublish(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, content, options, (error: unknown) =>
        error
          ? reject(error instanceof Error ? error : new Error('broker refused the message'))
          : resolve(),
      );
    } catch (error) {
      // the channel is already closed
      reject(error instanceof Error ? error : new Error('channel closed'));
    }
  });
}
