// Shopify's cost-based rate limit: a leaky bucket per app and shop. A request states its cost up front
// (requestedQueryCost); when the bucket holds fewer points the request is refused with THROTTLED (HTTP 200),
// otherwise the points are taken and refilled at `restoreRate` points per second up to `maximumAvailable`.

export interface ThrottleSettings {
  maximumAvailable: number;
  restoreRate: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    private settings: ThrottleSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = settings.maximumAvailable;
    this.updatedAt = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.updatedAt) / 1000;
    this.available = Math.min(this.settings.maximumAvailable, this.available + elapsed * this.settings.restoreRate);
    this.updatedAt = t;
  }

  /** Takes `cost` points if the bucket holds them. */
  take(cost: number): { ok: boolean; status: ThrottleStatus } {
    this.refill();
    const ok = this.available >= cost;
    if (ok) this.available -= cost;
    return { ok, status: this.status(false) };
  }

  /** Gives back points (requested cost above the actual cost is refunded, as Shopify does). */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.settings.maximumAvailable, this.available + points);
  }

  status(refill = true): ThrottleStatus {
    if (refill) this.refill();
    return {
      maximumAvailable: this.settings.maximumAvailable,
      // Shopify reports a number with at most one decimal.
      currentlyAvailable: Math.floor(this.available * 10) / 10,
      restoreRate: this.settings.restoreRate,
    };
  }

  configure(settings: Partial<ThrottleSettings> & { currentlyAvailable?: number }): void {
    this.refill();
    if (settings.maximumAvailable !== undefined) this.settings = { ...this.settings, maximumAvailable: settings.maximumAvailable };
    if (settings.restoreRate !== undefined) this.settings = { ...this.settings, restoreRate: settings.restoreRate };
    this.available = Math.min(
      this.settings.maximumAvailable,
      settings.currentlyAvailable ?? (settings.maximumAvailable !== undefined ? settings.maximumAvailable : this.available),
    );
  }

  get current(): ThrottleSettings {
    return { ...this.settings };
  }
}
