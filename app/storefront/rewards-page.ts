// The Rewards page (GET /proxy/, the shop's /apps/clv): Liquid that Shopify renders inside the shop's theme.
// Pure: data in, text out.
//
// Escaping. Everything that comes from data (merchant texts such as the pitch, tier and reward names,
// codes, order names) goes through escapeForLiquid: HTML's five special characters AND Liquid's braces.
// HTML escaping alone is not enough here: Shopify runs the body through Liquid before the browser sees it,
// so a reward named "{{ customer.email }}" would otherwise print the shopper's e-mail address. `&#123;` and
// `&#125;` are not Liquid, and the browser shows them as braces. The only Liquid in the page is our own.
import { formatDate } from "~/lib/format";
import type { RedeemAnswer, RewardsPageData } from "./proxy-answers.server";
import type { RewardView } from "./proxy-status";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "{": "&#123;",
  "}": "&#125;",
};

export function escapeForLiquid(value: string | number): string {
  return String(value).replace(/[&<>"'{}]/g, (c) => ESCAPES[c] ?? c);
}

const e = escapeForLiquid;
const points = (n: number) => `${n.toLocaleString("en-US")} ${Math.abs(n) === 1 ? "point" : "points"}`;

export interface RewardsPageOptions {
  /** Where the shop mounts the proxy (verified: `/apps/clv` or the merchant's own path). */
  pathPrefix: string;
  /** A fresh idempotency key per reward form: a double submit of one form is one redemption. */
  formKeys: ReadonlyMap<string, string>;
  /** The outcome of a redemption posted from this page without JavaScript. */
  notice?: RedeemAnswer | null;
}

// Kept small and scoped: the theme styles the rest.
const STYLE = `<style>
.clv-rewards{max-width:48rem;margin:0 auto;padding:1rem 0}
.clv-rewards section{margin:1.5rem 0}
.clv-rewards table{width:100%;border-collapse:collapse}
.clv-rewards td,.clv-rewards th{padding:.4rem .5rem;border-bottom:1px solid rgba(127,127,127,.3);text-align:left}
.clv-rewards td.clv-num{text-align:right;white-space:nowrap}
.clv-rewards .clv-notice{padding:.75rem 1rem;border:1px solid currentColor}
.clv-rewards form{display:inline}
.clv-rewards code{font-size:1.1em}
</style>`;

/** What a ledger line was, in plain text (the caller escapes it). */
function describe(line: RewardsPageData["history"][number]): string {
  const order = line.orderName ? ` ${line.orderName}` : "";
  if (line.sourceType === "bonus") return "Bonus";
  switch (line.kind) {
    case "earn":
      return `Order${order}`;
    case "reverse":
      return `Refund or cancellation${order ? ` of${order}` : ""}`;
    case "redeem":
      return "Reward redeemed";
    case "expire":
      return "Points expired";
    case "referral":
      return "A friend's first order";
    case "adjust":
      return "Adjustment by the shop";
    default:
      return "Points";
  }
}

function noticeHtml(notice: RedeemAnswer): string {
  if (notice.body.status === "redeemed")
    return `<p class="clv-notice" role="status">Your discount code: <code>${e(notice.body.code)}</code>. Enter it at checkout.</p>`;
  return `<p class="clv-notice" role="alert">${e(notice.body.message)}</p>`;
}

function rewardItem(reward: RewardView, action: string | null, key: string | undefined): string {
  const tier = reward.minimum_tier_name ? ` <small>(${e(reward.minimum_tier_name)} and above)</small>` : "";
  const form =
    action && key
      ? ` <form method="post" action="${e(action)}"><input type="hidden" name="reward_id" value="${e(reward.id)}">` +
        `<input type="hidden" name="idempotency_key" value="${e(key)}"><button type="submit" class="button">Redeem</button></form>`
      : "";
  return `<li>${e(reward.name)} — ${e(reward.value)} for ${points(reward.points_cost)}${tier}${form}</li>`;
}

export function rewardsPageLiquid(data: RewardsPageData, options: RewardsPageOptions): string {
  const parts: string[] = [STYLE, `<div class="clv-rewards">`, `<h1>Rewards</h1>`];
  if (options.notice) parts.push(noticeHtml(options.notice));
  const program = data.program;
  if (!program) {
    parts.push(`<p>Our rewards program is not available right now.</p>`, `</div>`);
    return parts.join("\n");
  }
  if (program.pitch) parts.push(`<p>${e(program.pitch)}</p>`);

  const member = data.member;
  if (member) {
    const tier = member.tier ? `You are a <strong>${e(member.tier.name)}</strong> member.` : "You have no tier yet.";
    const reserved = member.points.reserved > 0 ? ` (${points(member.points.reserved)} held for a code being created)` : "";
    const next = member.next_tier ? `<p>${e(member.next_tier.label)} to reach <strong>${e(member.next_tier.name)}</strong>.</p>` : "";
    parts.push(
      `<section aria-labelledby="clv-status"><h2 id="clv-status">Your status</h2>`,
      `<p>${tier} You have <strong>${points(member.points.balance)}</strong>${reserved}.</p>`,
      next,
      `</section>`,
    );
    parts.push(`<section aria-labelledby="clv-now"><h2 id="clv-now">Rewards you can redeem now</h2>`);
    if (member.rewards_available.length > 0) {
      const action = `${options.pathPrefix}/redeem`;
      parts.push(`<ul>${member.rewards_available.map((r) => rewardItem(r, action, options.formKeys.get(r.id))).join("")}</ul>`);
    } else if (member.next_reward) {
      parts.push(`<p>${points(member.next_reward.points_needed)} more for ${e(member.next_reward.name)}.</p>`);
    } else {
      parts.push(`<p>No reward is available yet.</p>`);
    }
    parts.push(`</section>`);
    if (data.codes.length > 0) {
      const rows = data.codes.map(
        (c) =>
          `<li><code>${e(c.code)}</code> — ${e(c.rewardName)}, ${e(formatDate(c.redeemedAt.toISOString(), undefined, data.timeZone))}</li>`,
      );
      parts.push(`<section aria-labelledby="clv-codes"><h2 id="clv-codes">Your codes</h2><ul>${rows.join("")}</ul></section>`);
    }
    if (member.referral_code && member.referral_path) {
      parts.push(
        `<section aria-labelledby="clv-referral"><h2 id="clv-referral">Refer a friend</h2>`,
        `<p>Share your link: <code>{{ shop.url }}${e(member.referral_path)}</code> (code <code>${e(member.referral_code)}</code>).</p></section>`,
      );
    }
    if (data.history.length > 0) {
      const rows = data.history.map(
        (line) =>
          `<tr><td>${e(formatDate(line.effectiveAt.toISOString(), undefined, data.timeZone))}</td><td>${e(describe(line))}</td>` +
          `<td class="clv-num">${line.points > 0 ? "+" : ""}${e(line.points.toLocaleString("en-US"))}</td></tr>`,
      );
      parts.push(
        `<section aria-labelledby="clv-history"><h2 id="clv-history">Recent activity</h2>`,
        `<table><thead><tr><th>Date</th><th>What</th><th class="clv-num">Points</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`,
      );
    }
  } else if (!data.loggedIn) {
    parts.push(
      `<p><a href="{{ routes.account_register_url }}">Join</a> or <a href="{{ routes.account_login_url }}">sign in</a> to collect points and see your rewards.</p>`,
    );
  }

  parts.push(
    `<section aria-labelledby="clv-earn"><h2 id="clv-earn">How to earn</h2><ul>${program.how_to_earn.map((line) => `<li>${e(line)}</li>`).join("")}</ul></section>`,
  );
  if (program.tiers.length > 0) {
    const tiers = program.tiers.map((tier) => {
      const requirement = tier.requirement ? `<br><small>${e(tier.requirement)}</small>` : "";
      const perks = tier.perk_lines.length > 0 ? `<ul>${tier.perk_lines.map((p) => `<li>${e(p)}</li>`).join("")}</ul>` : "";
      return `<li><strong>${e(tier.name)}</strong>${requirement}${perks}</li>`;
    });
    parts.push(`<section aria-labelledby="clv-tiers"><h2 id="clv-tiers">Tiers and perks</h2><ul>${tiers.join("")}</ul></section>`);
  }
  if (program.rewards.length > 0) {
    const items = program.rewards.map((r) => rewardItem(r, null, undefined)).join("");
    parts.push(
      `<section aria-labelledby="clv-catalogue"><h2 id="clv-catalogue">${member ? "All rewards" : "Rewards"}</h2><ul>${items}</ul></section>`,
    );
  }
  parts.push(`</div>`);
  return parts.join("\n");
}
