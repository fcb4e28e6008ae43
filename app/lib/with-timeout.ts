// A promise that gives up after `ms`. Redis and database calls made while answering a request must not
// wait for ever when the service is gone: the caller answers with a clear error instead.

export class TimeoutError extends Error {}

/** Rejects with a TimeoutError("<message> within <ms> ms") if `promise` has not settled by then. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${message} within ${ms} ms`)), ms);
  });
  promise.catch(() => {}); // a late failure after the timeout has already been answered
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
