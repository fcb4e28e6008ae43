// Redis connections for BullMQ. Web processes only add jobs and must fail fast when Redis is down
// (so the webhook answers 503 and Shopify retries); workers block on Redis and retry forever.
import { Redis, type RedisOptions } from "ioredis";
import { config } from "~/config.server";

export function producerConnection(url = config.redisUrl): Redis {
  return new Redis(url, {
    enableOfflineQueue: false, // no silent buffering of adds while disconnected
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    lazyConnect: false,
  } satisfies RedisOptions);
}

export function workerConnection(url = config.redisUrl): Redis {
  return new Redis(url, { maxRetriesPerRequest: null } satisfies RedisOptions);
}
