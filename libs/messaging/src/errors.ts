/** NATS could not be reached or did not confirm within the time allowed: the event is NOT durable. */
export class BusUnavailableError extends Error {
  override readonly name = 'BusUnavailableError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
