// English messages of the loyalty pages (keys start with "loyalty."), spread into the English catalog.
export const loyaltyEn = {} as const satisfies Record<string, string | { one: string; other: string }>;
